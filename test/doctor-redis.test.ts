import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/config.js";
import { redisCheck } from "../src/doctor/redis-check.js";
import { runDoctor } from "../src/doctor/run-doctor.js";
import { maskRedisUrl } from "../src/redis/redis-target.js";
import { startSimulator } from "../src/simulator/index.js";
import { freePort } from "./helpers/free-port.js";
import { TestRedisServer } from "./helpers/redis-server.js";

let server: TestRedisServer;
let admin: Redis;

beforeAll(async () => {
  server = await TestRedisServer.start();
  admin = new Redis(server.port, "127.0.0.1", { maxRetriesPerRequest: 0 });
});

afterAll(async () => {
  admin.disconnect();
  await server.stop();
});

async function config(env: Record<string, string>) {
  return loadConfig({ DATA_DIR: await mkdtemp(join(tmpdir(), "doctor-redis-")), ...env });
}

/** Runs `body` with one CONFIG setting changed on the shared test server, then restores it. */
async function withSetting(name: string, value: string, body: () => Promise<void>): Promise<void> {
  const [, previous] = (await admin.config("GET", name)) as [string, string];
  await admin.config("SET", name, value);
  try {
    await body();
  } finally {
    await admin.config("SET", name, previous);
  }
}

describe("doctor redis check, REDIS_URL set", () => {
  it("reports the server version and AOF on a healthy Redis", async () => {
    const result = await redisCheck(await config({ REDIS_URL: server.url }));
    expect(result.name).toBe("redis");
    expect(result.status).toBe("ok");
    expect(result.detail).toMatch(/^redis:\/\/127\.0\.0\.1:\d+ — Redis \d+\.\d+\.\d+, appendonly yes$/);
  });

  it("warns when AOF is off: queued work may be lost on a crash", async () => {
    await withSetting("appendonly", "no", async () => {
      const result = await redisCheck(await config({ REDIS_URL: server.url }));
      expect(result.status).toBe("warn");
      expect(result.detail).toContain("appendonly no: queued work may be lost if Redis crashes");
    });
  });

  it("warns when Redis may evict keys (BullMQ needs noeviction)", async () => {
    await withSetting("maxmemory-policy", "allkeys-lru", async () => {
      const result = await redisCheck(await config({ REDIS_URL: server.url }));
      expect(result.status).toBe("warn");
      expect(result.detail).toContain("maxmemory-policy allkeys-lru");
    });
  });

  it("fails with a clear message when nothing listens", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const result = await redisCheck(await config({ REDIS_URL: url }));
    expect(result.status).toBe("fail");
    expect(result.detail).toContain(`cannot use ${url}:`);
    expect(result.detail).toContain("ECONNREFUSED");
  });

  it("never shows the password, whether it is accepted or refused", async () => {
    await withSetting("requirepass", "s3cret-pw", async () => {
      // The admin connection stays authenticated: it connected before the password was set.
      const good = await redisCheck(
        await config({ REDIS_URL: `redis://:s3cret-pw@127.0.0.1:${server.port}` }),
      );
      expect(good.status).toBe("ok");
      expect(good.detail).toContain(`redis://***@127.0.0.1:${server.port} — Redis`);
      expect(good.detail).not.toContain("s3cret");

      const bad = await redisCheck(await config({ REDIS_URL: `redis://:wrong-pw@127.0.0.1:${server.port}` }));
      expect(bad.status).toBe("fail");
      expect(bad.detail).toContain(`cannot use redis://***@127.0.0.1:${server.port}:`);
      expect(bad.detail).toMatch(/WRONGPASS|invalid password/i);
      expect(bad.detail).not.toContain("wrong-pw");
    });
  });

  it("masks credentials and password-like parameters in any URL", () => {
    expect(maskRedisUrl("redis://:secret@host")).toBe("redis://***@host");
    expect(maskRedisUrl("rediss://user:secret@cache.example:6380/2?password=secret&family=6")).toBe(
      "rediss://***@cache.example:6380/2?password=***&family=6",
    );
    expect(maskRedisUrl("redis://host:6379")).toBe("redis://host:6379");
  });

  it("appears in the doctor report, masked, after the backend checks", async () => {
    const sim = await startSimulator();
    await withSetting("requirepass", "s3cret-pw", async () => {
      let output = "";
      try {
        const code = await runDoctor(
          {
            DATA_DIR: await mkdtemp(join(tmpdir(), "doctor-redis-")),
            NEMO_API_URL: sim.url,
            REDIS_URL: `redis://:s3cret-pw@127.0.0.1:${server.port}`,
          },
          (text) => {
            output += text;
          },
        );
        expect(code).toBe(3); // backend ready, no chat platform
      } finally {
        await sim.close();
      }
      expect(output).toMatch(
        /✔ credits[^\n]*\n(?:✔ anonymous account[^\n]*\n)?✔ redis\s+redis:\/\/\*\*\*@127\.0\.0\.1/,
      );
      expect(output).not.toContain("s3cret");
    });
  });
});

describe("doctor redis check, REDIS_URL unset", () => {
  it("finds redis-server on PATH and says where the embedded server keeps its data", async () => {
    const cfg = await config({});
    const result = await redisCheck(cfg);
    expect(result.status).toBe("ok");
    expect(result.detail).toMatch(/^embedded redis-server \d+\.\d+\.\d+ will be started \(data under /);
    expect(result.detail).toContain(join(cfg.DATA_DIR, "redis"));
  });

  it("fails with the install hint when redis-server is missing", async () => {
    const result = await redisCheck(await config({}), { command: "nemo-no-such-redis-server" });
    expect(result.status).toBe("fail");
    expect(result.detail).toContain("REDIS_URL is unset and nemo-no-such-redis-server is not on PATH");
    expect(result.detail).toContain("apt-get install redis-server");
    expect(result.detail).toContain("brew install redis");
    expect(result.detail).toContain("docker compose up");
  });
});
