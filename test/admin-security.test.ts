import { mkdtemp } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startObservability } from "../src/app/observability.js";
import { ConfigError, loadConfig } from "../src/config/config.js";
import { silentLogger } from "../src/core/logger.js";
import { runDoctor } from "../src/doctor/run-doctor.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { type BotFixture, startBot } from "./helpers/bot-fixture.js";
import { CliProcess } from "./helpers/cli-process.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
const TOKEN = "5b1e0c7d9a2f4e6b8c3d1a0f9e8d7c6b";

/** One HTTP request with any `Host` header (fetch does not let a test forge it). */
function send(
  port: number,
  options: { method?: string; path: string; host?: string; token?: string; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (options.host !== undefined) headers.host = options.host;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const req = request(
      { host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path, headers },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("the admin port's defences", () => {
  let sim: Simulator;
  let bot: BotFixture;
  beforeAll(async () => {
    sim = await startSimulator({ generationMs: 50 });
    bot = await startBot(redis.url, { workers: false, simulator: sim });
  });
  afterAll(async () => {
    await bot.dispose();
    await sim.close();
  });

  async function admin(env: Record<string, string>) {
    const config = loadConfig({ NEMO_API_URL: sim.url, REDIS_URL: redis.url, ADMIN_PORT: "0", ...env });
    return startObservability({
      config,
      services: bot.runtime.services,
      workers: [],
      logger: silentLogger(),
    });
  }

  async function deliverDepth(): Promise<number> {
    const counts = await bot.runtime.services.queues.deliver.getJobCounts("waiting", "delayed", "paused");
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }

  it("serves a read-only queue board by default, even with a token: writes answer 405 and change nothing", async () => {
    const observability = await admin({ ADMIN_TOKEN: TOKEN });
    try {
      const port = observability.adminPort;
      const before = await deliverDepth();
      const add = await send(port, {
        method: "POST",
        path: "/queues/api/queues/deliver/add",
        token: TOKEN,
        body: JSON.stringify({ name: "deliver", data: { text: "anything, anywhere" } }),
      });
      expect(add.status).toBe(405);
      expect(add.body).toContain("ADMIN_BOARD_WRITES");
      const empty = await send(port, {
        method: "PUT",
        path: "/queues/api/queues/command/empty",
        token: TOKEN,
      });
      expect(empty.status).toBe(405);
      expect(await deliverDepth()).toBe(before);
      // Reading still works, and the board tells its UI that the queues are read-only.
      const list = await send(port, { path: "/queues/api/queues", token: TOKEN });
      expect(list.status).toBe(200);
      const queues = (JSON.parse(list.body) as { queues: { readOnlyMode: boolean }[] }).queues;
      expect(queues.length).toBe(5);
      expect(queues.every((queue) => queue.readOnlyMode)).toBe(true);
    } finally {
      await observability.close();
    }
  });

  it("accepts board writes only with ADMIN_BOARD_WRITES=true and the token", async () => {
    const observability = await admin({ ADMIN_TOKEN: TOKEN, ADMIN_BOARD_WRITES: "true" });
    try {
      const port = observability.adminPort;
      const path = "/queues/api/queues/deliver/add";
      const body = JSON.stringify({ name: "board-test", data: {}, options: { delay: 3_600_000 } });
      expect((await send(port, { method: "POST", path, body })).status).toBe(401);
      const before = await deliverDepth();
      expect((await send(port, { method: "POST", path, body, token: TOKEN })).status).toBe(200);
      expect(await deliverDepth()).toBe(before + 1);
      await bot.runtime.services.queues.deliver.clean(0, 10, "delayed");
    } finally {
      await observability.close();
    }
  });

  it("without a token answers loopback host names only: a DNS-rebinding Host gets 421", async () => {
    const observability = await admin({ ADMIN_ALLOWED_HOSTS: "bot-admin.internal" });
    try {
      const port = observability.adminPort;
      for (const host of [
        `127.0.0.1:${port}`,
        `localhost:${port}`,
        `[::1]:${port}`,
        "bot-admin.internal:80",
      ]) {
        expect((await send(port, { path: "/metrics", host })).status, host).toBe(200);
      }
      for (const host of [
        `attacker.example:${port}`,
        "127.0.0.1.attacker.example",
        `evil.localhost.com:${port}`,
      ]) {
        const metrics = await send(port, { path: "/metrics", host });
        expect(metrics.status, host).toBe(421);
        expect(metrics.body).not.toMatch(/nemo_/);
        expect((await send(port, { path: "/queues/api/queues", host })).status, host).toBe(421);
      }
      // Container health checks stay open whatever name they use.
      expect((await send(port, { path: "/healthz", host: "attacker.example" })).status).toBe(200);
    } finally {
      await observability.close();
    }
  });

  it("with a token the Host is not checked (the token is the guard), but the token is", async () => {
    const observability = await admin({ ADMIN_TOKEN: TOKEN });
    try {
      const port = observability.adminPort;
      expect((await send(port, { path: "/metrics", host: "scraper.example", token: TOKEN })).status).toBe(
        200,
      );
      expect((await send(port, { path: "/metrics", host: "scraper.example" })).status).toBe(401);
    } finally {
      await observability.close();
    }
  });
});

describe("admin configuration rules (one validation for start and doctor)", () => {
  const base = { NEMO_API_URL: "http://127.0.0.1:1", REDIS_URL: "redis://127.0.0.1:1" };
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems;
    }
  };

  it("refuses an admin bind beyond loopback without ADMIN_TOKEN, naming the variables and the fix", () => {
    for (const host of ["0.0.0.0", "::", "10.1.2.3"]) {
      expect(problems({ ADMIN_HOST: host })).toEqual([
        expect.stringMatching(
          /^ADMIN_HOST: .* beyond loopback without ADMIN_TOKEN .*set ADMIN_TOKEN \(generate one with `openssl rand -hex 32`\), or ADMIN_HOST=127\.0\.0\.1$/,
        ),
      ]);
    }
    expect(problems({ ADMIN_HOST: "0.0.0.0", ADMIN_TOKEN: TOKEN })).toEqual([]);
    for (const host of ["127.0.0.1", "localhost", "::1", "127.0.0.5"])
      expect(problems({ ADMIN_HOST: host })).toEqual([]);
  });

  it("refuses board writes without a token", () => {
    expect(problems({ ADMIN_BOARD_WRITES: "true" })).toEqual([
      expect.stringMatching(/^ADMIN_BOARD_WRITES: queue board writes need ADMIN_TOKEN/),
    ]);
    expect(problems({ ADMIN_BOARD_WRITES: "true", ADMIN_TOKEN: TOKEN })).toEqual([]);
  });

  it("refuses short and placeholder tokens and state secrets, saying how to generate one", () => {
    const weak = [
      "CHANGE-ME",
      "change_me_change_me_change_me",
      "changeme",
      "secret",
      "password",
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "secretsecretsecretsecretsecret",
      "your-token-here-example-000000",
      "abababababababababababababab",
      "short-but-random-9f3",
    ];
    for (const name of ["ADMIN_TOKEN", "SLACK_STATE_SECRET"]) {
      for (const value of weak) {
        const found = problems({ [name]: value }).filter((problem) => problem.startsWith(`${name}:`));
        expect(found, `${name}=${value}`).toEqual([expect.stringContaining("openssl rand -hex 32")]);
        expect(found.join(), "the value itself is never repeated").not.toContain(value);
      }
    }
    expect(problems({ ADMIN_TOKEN: TOKEN })).toEqual([]);
    expect(problems({ ADMIN_TOKEN: "Zq8vN2pL7xR4tW9yB3kM6sD1" })).toEqual([]);
  });

  it("checks URL schemes: Redis URLs are redis/rediss/unix or a cluster, backend URLs http(s)", () => {
    expect(problems({ REDIS_URL: "http://redis.example:6379" })).toEqual([
      expect.stringMatching(/^REDIS_URL: must be a redis:\/\/, rediss:\/\/ or unix:\/\/ URL/),
    ]);
    for (const url of [
      "redis://h:6379",
      "rediss://:pw@h:6380/1",
      "unix:///run/redis.sock",
      "redis+cluster://a:1,b:2",
    ])
      expect(problems({ REDIS_URL: url }), url).toEqual([]);
    expect(problems({ NEMO_API_URL: "ftp://api.example" })).toEqual([
      "NEMO_API_URL: must be an http:// or https:// URL",
    ]);
    expect(problems({ NEMO_WEB_URL: "redis://web.example" })).toEqual([
      "NEMO_WEB_URL: must be an http:// or https:// URL",
    ]);
  });

  it("refuses plain http to a backend beyond loopback unless NEMO_ALLOW_INSECURE_HTTP=true", () => {
    expect(problems({ NEMO_API_URL: "http://api.example.com" })).toEqual([
      expect.stringMatching(
        /^NEMO_API_URL: plain http to api\.example\.com sends the bearer token unencrypted: use https:\/\/, or set NEMO_ALLOW_INSECURE_HTTP=true/,
      ),
    ]);
    expect(problems({ NEMO_WEB_URL: "http://web.example.com" })).toHaveLength(1);
    expect(problems({ NEMO_API_URL: "http://api.example.com", NEMO_ALLOW_INSECURE_HTTP: "true" })).toEqual(
      [],
    );
    for (const url of [
      "https://api.example.com",
      "http://127.0.0.1:8787",
      "http://localhost:8787",
      "http://[::1]:8787",
    ])
      expect(problems({ NEMO_API_URL: url }), url).toEqual([]);
  });

  it("doctor reports the same refusals instead of 'configuration valid'", async () => {
    let report = "";
    const code = await runDoctor(
      { ...base, REDIS_URL: "http://redis.example:6379", ADMIN_HOST: "0.0.0.0" },
      (text) => {
        report += text;
      },
    );
    expect(code).not.toBe(0);
    expect(report).not.toMatch(/configuration\W+valid/);
    expect(report).toContain("REDIS_URL: must be a redis://");
    expect(report).toContain("ADMIN_HOST: 0.0.0.0 listens beyond loopback without ADMIN_TOKEN");
  });

  it("start refuses a wide admin bind without a token before it opens anything", async () => {
    const cli = new CliProcess(["start", "--role", "worker"], {
      NEMO_API_URL: "http://127.0.0.1:1",
      REDIS_URL: redis.url,
      ADMIN_HOST: "0.0.0.0",
      ADMIN_PORT: "0",
      ADMIN_TOKEN: "",
      DATA_DIR: await mkdtemp(join(tmpdir(), "nemo-admin-wide-")),
    });
    const { code } = await cli.exited;
    expect(code).not.toBe(0);
    expect(cli.stderr).toMatch(/ADMIN_HOST: 0\.0\.0\.0 listens beyond loopback without ADMIN_TOKEN/);
    expect(cli.stdout).not.toContain("admin-listening");
  });
});
