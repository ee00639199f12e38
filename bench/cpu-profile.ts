/**
 * `node dist-bench/bench/cpu-profile.js <file.cpuprofile> [top]`: a V8 CPU profile's busy time per
 * second, its self time by function (with the callers of the heaviest) and by file (a dependency counts
 * as its package), the top `top` (default 40) of each.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: a package of node_modules, a file of the bot, or Node's own. */
function fileOf(url: string): string {
  if (!url) return "(native / V8)";
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + "node_modules/".length).split("/");
    return `npm:${rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const dist = url.indexOf("/dist/");
  return dist >= 0 ? url.slice(dist + 1) : url;
}

const nameOf = (node: ProfileNode) =>
  `${node.callFrame.functionName || "(anonymous)"} ${fileOf(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;

const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);

export async function summariseProfile(path: string, top = 40): Promise<string> {
  const profile = JSON.parse(await readFile(path, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  const callers = new Map<string, Map<string, number>>();
  /** Time under each function of the bot (dist/), itself and what it called: the cost of each step. */
  const inclusive = new Map<string, number>();
  const perSecond: number[] = [];
  let [total, busy, at] = [0, 0, 0];
  profile.samples.forEach((id, index) => {
    const us = profile.timeDeltas[index] ?? 0;
    const node = byId.get(id);
    total += us;
    at += us;
    if (!node || node.callFrame.functionName === "(idle)") return;
    busy += us;
    const second = Math.floor(at / 1e6);
    perSecond[second] = (perSecond[second] ?? 0) + us;
    const name = nameOf(node);
    add(byFunction, name, us);
    add(byFile, fileOf(node.callFrame.url), us);
    const chain: string[] = [];
    for (let up = parent.get(node.id); up && chain.length < 4; up = parent.get(up.id)) chain.push(nameOf(up));
    const seen = new Set<string>();
    for (let up: ProfileNode | undefined = node; up; up = parent.get(up.id)) {
      const frame = nameOf(up);
      if (up.callFrame.url.includes("/dist/") && !seen.has(frame)) {
        seen.add(frame);
        add(inclusive, frame, us);
      }
    }
    const map = callers.get(name) ?? new Map<string, number>();
    callers.set(name, map);
    add(map, chain.join(" < "), us);
  });
  const ranked = (map: Map<string, number>, count: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, count);
  const line = (name: string, us: number) =>
    `${(us / 1000).toFixed(0).padStart(8)} ms ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${name}`;
  const functions = ranked(byFunction, top).flatMap(([name, us], rank) => [
    line(name, us),
    ...(rank < 12
      ? ranked(callers.get(name)!, 3).map(([chain, cus]) => `      ${line(`< ${chain}`, cus)}`)
      : []),
  ]);
  return [
    `profile: ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s`,
    `busy ms per second: ${perSecond.map((us) => ((us ?? 0) / 1000).toFixed(0)).join(" ")}`,
    "self time by function:",
    ...functions,
    "time under each function of the bot (itself and its callees; a synchronous stack, not awaits):",
    ...ranked(inclusive, top).map(([name, us]) => line(name, us)),
    "self time by file:",
    ...ranked(byFile, top).map(([name, us]) => line(name, us)),
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [path, top] = process.argv.slice(2);
  if (!path) throw new Error("usage: cpu-profile.js <file.cpuprofile> [top]");
  console.log(await summariseProfile(path, top ? Number(top) : undefined));
}
