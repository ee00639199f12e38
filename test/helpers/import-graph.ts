import { readdir, readFile } from "node:fs/promises";
import { dirname, join, normalize, relative } from "node:path";

/** One import of a source file: another file of the tree (`to`) or a package. */
export interface ImportEdge {
  from: string;
  spec: string;
  to?: string;
  package?: string;
  typeOnly: boolean;
}

const STATIC = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Every import of every `.ts` file below `root` (paths relative to the working directory, `/`-separated). */
export async function importGraph(root: string): Promise<{ files: string[]; edges: ImportEdge[] }> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => relative(".", join(entry.parentPath, entry.name)).split("\\").join("/"))
    .sort();
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const text = await readFile(file, "utf8");
    for (const match of text.matchAll(STATIC)) edges.push(edgeOf(file, match[2]!, match[1] !== undefined));
    for (const match of text.matchAll(DYNAMIC)) edges.push(edgeOf(file, match[1]!, false));
  }
  return { files, edges };
}

function edgeOf(from: string, spec: string, typeOnly: boolean): ImportEdge {
  if (!spec.startsWith(".")) {
    const parts = spec.split("/");
    const name = spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
    return { from, spec, package: name, typeOnly };
  }
  const to = normalize(join(dirname(from), spec))
    .split("\\")
    .join("/")
    .replace(/\.js$/, ".ts");
  return { from, spec, to, typeOnly };
}

/** The layer a file of `src/` belongs to: `core`, `jobs`, `adapters/slack`, `cli` … */
export function moduleOf(file: string): string {
  const parts = file.replace(/^src\//, "").split("/");
  if (parts.length === 1) return parts[0]!.replace(/\.ts$/, "");
  return parts[0] === "adapters" ? `adapters/${parts[1]}` : parts[0]!;
}

/** The cycles of the graph once every file is replaced by `node(file)`: each as `a → b → a`. */
export function cycles(edges: readonly ImportEdge[], node: (file: string) => string): string[] {
  const next = new Map<string, Set<string>>();
  for (const edge of edges) {
    if (!edge.to) continue;
    const [a, b] = [node(edge.from), node(edge.to)];
    if (a === b) continue;
    if (!next.has(a)) next.set(a, new Set());
    next.get(a)!.add(b);
  }
  const found = new Set<string>();
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (at: string): void => {
    state.set(at, "open");
    path.push(at);
    for (const to of next.get(at) ?? []) {
      if (state.get(to) === "open") {
        const loop = path.slice(path.indexOf(to));
        const start = loop.indexOf([...loop].sort()[0]!);
        const canonical = [...loop.slice(start), ...loop.slice(0, start)];
        found.add([...canonical, canonical[0]].join(" → "));
      } else if (!state.has(to)) visit(to);
    }
    path.pop();
    state.set(at, "done");
  };
  for (const at of [...next.keys()].sort()) if (!state.has(at)) visit(at);
  return [...found].sort();
}
