import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PRODUCTION_TIMINGS } from "../src/config/timings.js";
import { freePort } from "./helpers/free-port.js";

/**
 * The Dockerfile's and docker-compose.yml's essentials, checked without a Docker engine (hadolint is
 * served by neither npm nor Debian; `.ci/run` builds the image when an engine is present).
 */
const root = join(import.meta.dirname, "..");
const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { engines: { node: string } };

interface Stage {
  name: string;
  from: string;
  lines: string[];
}

/** The Dockerfile's stages, `\`-continued lines joined. */
function stages(): Stage[] {
  const lines = dockerfile
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const result: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)\s+AS\s+(\S+)$/i.exec(line);
    if (from) result.push({ from: from[1]!, name: from[2]!, lines: [] });
    else result.at(-1)?.lines.push(line);
  }
  return result;
}

const stage = (name: string) => stages().find((candidate) => candidate.name === name)!;

describe("Dockerfile", () => {
  it("pins the base image to the Node major the tests run on", () => {
    const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    const major = /(\d+)/.exec(pkg.engines.node)?.[1];
    expect(base).toBe(`node:${major}-bookworm-slim`);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's own variable
    expect(stages().every((s) => s.from === "${NODE_IMAGE}" || stages().some((o) => o.name === s.from))).toBe(
      true,
    );
  });

  // CI (.ci/run sets CI=true) tests on the image's Node major; developers may use a newer one.
  it.runIf(process.env.CI === "true")("CI runs the tests on the image's Node major", () => {
    expect(process.versions.node.split(".")[0]).toBe(/(\d+)/.exec(pkg.engines.node)?.[1]);
  });

  it("builds with npm ci and tsc, and ships production dependencies only", () => {
    expect(dockerfile).not.toMatch(/npm install/);
    expect(stage("build").lines.join("\n")).toMatch(/npm ci .*--ignore-scripts/);
    expect(stage("build").lines.join("\n")).toMatch(/npm run build/);
    expect(stage("prod-deps").lines.join("\n")).toMatch(/npm ci --omit=dev/);
    expect(stage("app").lines).toContain("COPY --from=prod-deps /app/node_modules ./node_modules");
  });

  it("ends on the production stage: no simulator, no redis-server, a non-root user and a health check", () => {
    const all = stages();
    expect(all.at(-1)?.name).toBe("runtime");
    const runtime = [...stage("app").lines, ...stage("runtime").lines].join("\n");
    expect(runtime).not.toMatch(/redis-server|apt-get/);
    expect(stage("runtime").lines).toEqual(["COPY --from=build /app/dist-runtime ./dist"]);
    expect(stage("build").lines.join("\n")).toMatch(
      /rm -rf dist-runtime\/simulator dist-runtime\/app\/run-demo/,
    );
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*CMD \["node", "healthcheck.mjs"\]$/m);
  });

  it("has a demo target with the simulator and redis-server", () => {
    const demo = stage("demo");
    expect(demo.from).toBe("app");
    expect(demo.lines.join("\n")).toMatch(/apt-get install .*redis-server/);
    expect(demo.lines).toContain("COPY --from=build /app/dist ./dist");
    expect(demo.lines.at(-1)).toBe('CMD ["demo"]');
    expect(demo.lines).toContain("USER node");
  });

  it("copies only files that exist and that .dockerignore lets through", () => {
    const ignored = readFileSync(join(root, ".dockerignore"), "utf8")
      .split("\n")
      .filter((line) => line && !line.startsWith("#") && !line.startsWith("!"));
    const sources = stages()
      .flatMap((s) => s.lines)
      .filter((line) => line.startsWith("COPY ") && !line.includes("--from="))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(root, source)), source).toBe(true);
      expect(ignored.includes(source.split("/")[0]!), source).toBe(false);
    }
  });
});

interface ComposeService {
  image?: string;
  build?: { target?: string };
  command?: string[];
  profiles?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  env_file?: unknown;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  depends_on?: Record<string, { condition: string }>;
  stdin_open?: boolean;
  tty?: boolean;
}

const compose = parse(readFileSync(join(root, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const service = (name: string) => compose.services[name]!;

describe("docker-compose.yml", () => {
  it("builds every service's target from a Dockerfile stage", () => {
    const names = stages().map((s) => s.name);
    for (const [name, definition] of Object.entries(compose.services)) {
      if (definition.build) expect(names, name).toContain(definition.build.target);
    }
  });

  it("runs Redis with AOF and noeviction, and checks it with redis-cli ping", () => {
    const redis = service("redis");
    expect(redis.command?.join(" ")).toMatch(/--appendonly yes .*--maxmemory-policy noeviction/);
    expect(redis.healthcheck?.test).toEqual(["CMD", "redis-cli", "ping"]);
  });

  it("health-checks the bot and the workers, and gives them longer to stop than the bot's own grace", () => {
    for (const name of ["bot", "worker"]) {
      const definition = service(name);
      expect(definition.healthcheck?.test.slice(0, 3), name).toEqual(["CMD", "node", "healthcheck.mjs"]);
      const grace = /^(\d+)s$/.exec(definition.stop_grace_period ?? "")?.[1];
      expect(Number(grace) * 1000, name).toBeGreaterThanOrEqual(PRODUCTION_TIMINGS.shutdownGraceMs * 2);
      expect(definition.depends_on?.redis?.condition).toBe("service_healthy");
    }
  });

  it("publishes the gateway's port but never the admin port", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's own interpolation
    expect(service("bot").ports).toEqual(["${PORT:-3000}:3000"]);
    expect(service("worker").ports).toBeUndefined();
    const admin = service("bot").environment?.ADMIN_PORT;
    expect(admin).toMatch(/^\d+$/);
    for (const [name, definition] of Object.entries(compose.services)) {
      for (const mapping of definition.ports ?? []) expect(mapping, name).not.toContain(`:${admin}`);
    }
  });

  it("wires the demo profile's console to the simulator without .env", () => {
    const simulator = service("simulator");
    const console = service("console");
    expect(simulator.profiles).toEqual(["demo"]);
    expect(console.profiles).toEqual(["demo"]);
    expect(console.env_file).toBeUndefined();
    expect(console.environment?.NEMO_API_URL).toBe("http://simulator:8787");
    expect(simulator.command).toEqual(expect.arrayContaining(["simulator", "--port", "8787"]));
    expect(console.environment?.KEY_PREFIX).not.toBe(service("bot").environment?.KEY_PREFIX ?? "nemo");
    expect(console.command).toEqual(["start", "--role", "all", "--console"]);
    expect(console.stdin_open && console.tty).toBe(true);
    expect(console.depends_on?.simulator?.condition).toBe("service_healthy");
  });
});

describe("scripts/healthcheck.mjs", () => {
  const probe = promisify(execFile);
  const run = (env: Record<string, string>, args: string[] = []) =>
    probe(process.execPath, [join(root, "scripts/healthcheck.mjs"), ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
    }).then(
      () => 0,
      (error: { code?: number }) => error.code ?? -1,
    );

  it("asks /healthz on ADMIN_PORT, on PORT only when nothing listens there; exit 0 on 2xx only", async () => {
    let status = 200;
    const server = createServer((req, res) => {
      res.writeHead(req.url === "/healthz" ? status : 404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = String((server.address() as AddressInfo).port);
    const closed = String(await freePort());
    try {
      expect(await run({ ADMIN_PORT: port, PORT: closed })).toBe(0);
      expect(await run({ ADMIN_PORT: closed, PORT: port })).toBe(0);
      expect(await run({ PORT: port })).toBe(0);
      expect(await run({ ADMIN_PORT: closed, PORT: closed })).toBe(1);
      expect(await run({}, [`http://127.0.0.1:${port}/other`])).toBe(1);
      status = 503;
      expect(await run({ ADMIN_PORT: port, PORT: port })).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
