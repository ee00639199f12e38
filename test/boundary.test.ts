import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { cycles, type ImportEdge, importGraph, moduleOf } from "./helpers/import-graph.js";

/**
 * The layers of docs/architecture.md, enforced: which folders and packages each folder of `src/` may
 * import (static, type-only, re-exports and dynamic `import()` alike), and no cycles between folders or
 * files. A folder not listed here fails the test until it is given its rule.
 */
const NODE = /^node:/;
const RULES: Record<string, { folders: readonly string[]; packages: readonly (string | RegExp)[] }> = {
  core: { folders: [], packages: [NODE, "undici", "eventsource-parser", "p-retry", "pino"] },
  store: {
    folders: ["core", "config", "redis"],
    packages: [NODE, "ioredis", "prom-client"],
  },
  conversation: { folders: ["core", "store", "config"], packages: [NODE, "undici", "prom-client"] },
  jobs: {
    folders: ["conversation", "core", "store", "config", "redis"],
    packages: [NODE, "bullmq", "prom-client"],
  },
  "adapters/console": { folders: ["core"], packages: [NODE] },
  "adapters/discord": {
    folders: ["core"],
    packages: [NODE, "discord.js", /^@discordjs\//, "discord-api-types", "undici", "p-retry"],
  },
  "adapters/slack": {
    folders: ["core"],
    packages: [NODE, /^@slack\//, "undici", "p-retry"],
  },
  config: { folders: ["core", "redis"], packages: [NODE, "zod"] },
  redis: { folders: ["core"], packages: [NODE, "ioredis"] },
  simulator: { folders: ["core"], packages: [NODE, "busboy"] },
  doctor: {
    folders: ["core", "config", "redis", "store", "adapters", "app"],
    packages: [NODE, "ioredis", "undici"],
  },
  app: {
    folders: ["core", "config", "redis", "store", "conversation", "jobs", "adapters"],
    packages: [NODE, /.*/],
  },
  cli: { folders: ["core", "config", "app", "doctor", "simulator"], packages: [NODE] },
};

/** Product code reaches the simulator only through the demo command. */
const SIMULATOR_DOORS = ["src/cli.ts", "src/app/run-demo.ts"];

function allowed(edge: ImportEdge): boolean {
  const rule = RULES[moduleOf(edge.from)];
  if (!rule) return false;
  if (edge.package !== undefined)
    return rule.packages.some((p) => (typeof p === "string" ? p === edge.package : p.test(edge.package!)));
  const target = moduleOf(edge.to!);
  if (target === moduleOf(edge.from)) return true;
  if (target === "simulator") return SIMULATOR_DOORS.includes(edge.from);
  return rule.folders.some((folder) => target === folder || target.startsWith(`${folder}/`));
}

describe("layer boundaries (docs/architecture.md)", async () => {
  const graph = await importGraph("src");

  it("every folder of src/ has a rule", () => {
    const unruled = [...new Set(graph.files.map(moduleOf))].filter((module) => !RULES[module]);
    expect(unruled).toEqual([]);
  });

  it("each folder imports only what its layer may", () => {
    const forbidden = graph.edges
      .filter((edge) => !allowed(edge))
      .map((edge) => `${edge.from} → ${edge.spec}`);
    expect(forbidden).toEqual([]);
  });

  it("no folder depends on a folder that depends back on it", () => {
    expect(cycles(graph.edges, (file) => file.slice(0, file.lastIndexOf("/")))).toEqual([]);
  });

  it("no file cycles", () => {
    expect(cycles(graph.edges, (file) => file)).toEqual([]);
  });

  it("docs/architecture.md's layer table names every folder ruled here", async () => {
    const doc = await readFile("docs/architecture.md", "utf8");
    const named = (module: string) =>
      module === "cli"
        ? "`src/cli.ts`"
        : module.startsWith("adapters/")
          ? "`src/adapters/<platform>/`"
          : `\`src/${module}/\``;
    expect(Object.keys(RULES).filter((module) => !doc.includes(named(module)))).toEqual([]);
  });

  it("the scan sees static, type-only and dynamic imports (it can fail)", () => {
    const specs = (from: string) => graph.edges.filter((edge) => edge.from === from).map((edge) => edge.spec);
    expect(specs("src/cli.ts")).toContain("./app/run-bot.js");
    expect(specs("src/jobs/queues.ts")).toContain("bullmq");
    expect(graph.edges.some((edge) => edge.typeOnly)).toBe(true);
    expect(allowed({ from: "src/core/logger.ts", spec: "bullmq", package: "bullmq", typeOnly: false })).toBe(
      false,
    );
    expect(
      cycles(
        [
          { from: "a/x.ts", to: "b/y.ts", spec: "", typeOnly: false },
          { from: "b/y.ts", to: "a/x.ts", spec: "", typeOnly: false },
        ],
        (f) => f,
      ),
    ).toHaveLength(1);
  });
});
