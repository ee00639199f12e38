/**
 * `node dist-bench/bench/heap-diff.js <before.heapsnapshot> <after.heapsnapshot> [count] [retainersOf]`:
 * what grew between two heap snapshots, by constructor (objects), by kind otherwise (strings, closures,
 * arrays, code, native): count and bytes (self size), largest growth first. With `retainersOf` (a
 * constructor name), what holds that kind's objects in the second snapshot: the holder's constructor
 * and the edge's name, with counts.
 */
import { readFileSync } from "node:fs";

interface Snapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

interface Heap {
  raw: Snapshot;
  nodeWidth: number;
  /** Per node index (÷ width): its group (constructor or kind). */
  group: string[];
}

function load(file: string): Heap {
  const raw = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  const fields = raw.snapshot.meta.node_fields;
  const types = raw.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt] = [fields.indexOf("type"), fields.indexOf("name")];
  const group: string[] = [];
  for (let i = 0; i < raw.nodes.length; i += width) {
    const type = types[raw.nodes[i + typeAt]!]!;
    const name = raw.strings[raw.nodes[i + nameAt]!]!;
    group.push(
      type === "object" || type === "native"
        ? `${name}`
        : type === "closure"
          ? `closure ${name}`
          : `(${type})`,
    );
  }
  return { raw, nodeWidth: width, group };
}

function totals(heap: Heap): Map<string, { count: number; bytes: number }> {
  const sizeAt = heap.raw.snapshot.meta.node_fields.indexOf("self_size");
  const out = new Map<string, { count: number; bytes: number }>();
  heap.group.forEach((name, index) => {
    const entry = out.get(name) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += heap.raw.nodes[index * heap.nodeWidth + sizeAt]!;
    out.set(name, entry);
  });
  return out;
}

function retainers(heap: Heap, of: string): Map<string, number> {
  const { raw, nodeWidth, group } = heap;
  const fields = raw.snapshot.meta.node_fields;
  const edgeFields = raw.snapshot.meta.edge_fields;
  const edgeTypes = raw.snapshot.meta.edge_types[0];
  const edgeCountAt = fields.indexOf("edge_count");
  const [edgeTypeAt, edgeNameAt, toAt] = ["type", "name_or_index", "to_node"].map((f) =>
    edgeFields.indexOf(f),
  );
  const out = new Map<string, number>();
  let edge = 0;
  for (let node = 0; node < group.length; node++) {
    const count = raw.nodes[node * nodeWidth + edgeCountAt]!;
    for (let e = 0; e < count; e++, edge += edgeFields.length) {
      const to = raw.edges[edge + toAt!]! / nodeWidth;
      if (group[to] !== of) continue;
      const type = edgeTypes[raw.edges[edge + edgeTypeAt!]!]!;
      if (type === "weak") continue;
      const nameOrIndex = raw.edges[edge + edgeNameAt!]!;
      const label = type === "element" || type === "hidden" ? `[${type}]` : raw.strings[nameOrIndex];
      const key = `${group[node]} .${label}`;
      out.set(key, (out.get(key) ?? 0) + 1);
    }
  }
  return out;
}

const [beforeFile, afterFile, countArg, retainersOf] = process.argv.slice(2);
if (!beforeFile || !afterFile) throw new Error("usage: heap-diff <before> <after> [count] [retainersOf]");
const after = load(afterFile);
const [a, b] = [totals(load(beforeFile)), totals(after)];
const count = Number(countArg ?? 0) || 1;
const rows = [...b.entries()]
  .map(([name, now]) => {
    const was = a.get(name) ?? { count: 0, bytes: 0 };
    return { name, count: now.count - was.count, bytes: now.bytes - was.bytes };
  })
  .sort((x, y) => y.bytes - x.bytes);
const sum = (map: Map<string, { bytes: number }>) => [...map.values()].reduce((s, v) => s + v.bytes, 0);
console.log(
  `heap (self sizes): ${(sum(a) / 1024).toFixed(0)} KB → ${(sum(b) / 1024).toFixed(0)} KB; per unit (÷ ${count}):`,
);
for (const row of rows.slice(0, 40)) {
  console.log(
    `${(row.bytes / count).toFixed(0).padStart(8)} B  ${(row.count / count).toFixed(2).padStart(7)} ×  ${row.name}`,
  );
}
if (retainersOf) {
  console.log(`held by (${retainersOf}):`);
  const held = [...retainers(after, retainersOf).entries()].sort((x, y) => y[1] - x[1]);
  for (const [key, n] of held.slice(0, 25)) console.log(`${String(n).padStart(8)}  ${key}`);
}
