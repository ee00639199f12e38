import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/** Small files with one job each: no source file over 400 lines, no function over 80 (docs/architecture.md). */
const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;

async function sources(): Promise<{ path: string; text: string }[]> {
  const entries = await readdir("src", { withFileTypes: true, recursive: true });
  const paths = entries
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => join(e.parentPath, e.name));
  return Promise.all(paths.map(async (path) => ({ path, text: await readFile(path, "utf8") })));
}

/** Each function-like node with a body, as `path:line name (n lines)` when it is longer than `max`. */
function longFunctions(path: string, text: string, max: number): string[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const first = file.getLineAndCharacterOfPosition(node.getStart()).line;
      const lines = file.getLineAndCharacterOfPosition(node.end).line - first + 1;
      if (lines > max) found.push(`${path}:${first + 1} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe("code size", async () => {
  const files = await sources();

  it(`no source file is longer than ${MAX_FILE_LINES} lines`, () => {
    const long = files
      .map(({ path, text }) => ({ path, lines: text.split("\n").length - (text.endsWith("\n") ? 1 : 0) }))
      .filter(({ lines }) => lines > MAX_FILE_LINES)
      .map(({ path, lines }) => `${path} (${lines} lines)`);
    expect(long).toEqual([]);
  });

  it(`no function is longer than ${MAX_FUNCTION_LINES} lines`, () => {
    expect(files.flatMap(({ path, text }) => longFunctions(path, text, MAX_FUNCTION_LINES))).toEqual([]);
  });

  it("measures what it says (it can fail)", () => {
    const body = Array.from({ length: MAX_FUNCTION_LINES }, () => "  x();").join("\n");
    expect(longFunctions("probe.ts", `function f() {\n${body}\n}\n`, MAX_FUNCTION_LINES)).toHaveLength(1);
  });
});
