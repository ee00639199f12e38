import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LuaScript } from "../src/store/lua-script.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let client: Redis;
let monitor: Redis;
/** Script calls (`evalsha`, `eval`) and end markers, in the order MONITOR reported them. */
const sent: string[] = [];
const MARKER = "lua-script-test-end-";
let markers = 0;

beforeAll(async () => {
  client = new Redis(redis.url);
  monitor = await new Redis(redis.url).monitor();
  monitor.on("monitor", (_time: string, args: string[]) => {
    const command = args[0]?.toLowerCase();
    if (command === "evalsha" || command === "eval") sent.push(command);
    else if (command === "echo" && args[1]?.startsWith(MARKER)) sent.push(args[1]);
  });
});
afterAll(() => {
  monitor.disconnect();
  client.disconnect();
});

/**
 * The script calls since the last look, all of them: an end marker (an ECHO) is sent now, after the
 * calls under test, on their connection, and this waits until MONITOR reported it (it reports commands
 * after they ran, in order). A call one round trip too many is before the marker, so it is seen.
 */
async function calls(): Promise<string[]> {
  markers += 1;
  const marker = `${MARKER}${markers}`;
  await client.echo(marker);
  const deadline = Date.now() + 5_000;
  while (!sent.includes(marker)) {
    if (Date.now() > deadline) throw new Error(`MONITOR did not report ${marker}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return sent.splice(0, sent.indexOf(marker) + 1).slice(0, -1);
}

describe("Lua scripts go by their SHA1", () => {
  const incrementBy = new LuaScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");

  it("sends the body only when the server lacks the script (its first use, after SCRIPT FLUSH)", async () => {
    await client.script("FLUSH");
    expect(await incrementBy.run(client, 1, "{lua}:n", 2)).toBe(2);
    expect(await calls()).toEqual(["evalsha", "eval"]);
    expect(await incrementBy.run(client, 1, "{lua}:n", 3)).toBe(5);
    expect(await incrementBy.run(client, 1, "{lua}:n", "1")).toBe(6);
    expect(await calls()).toEqual(["evalsha", "evalsha"]);
    await client.script("FLUSH");
    expect(await incrementBy.run(client, 1, "{lua}:n", 1)).toBe(7);
    expect(await calls()).toEqual(["evalsha", "eval"]);
  });

  it("passes any other error on, without a second try", async () => {
    await client.set("{lua}:text", "not a number");
    await expect(incrementBy.run(client, 1, "{lua}:text", 1)).rejects.toThrow(/not an integer/);
    expect(await calls()).toEqual(["evalsha"]);
  });

  it("no store sends a script body with EVAL itself", async () => {
    const offenders: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (path.endsWith(".ts") && path !== join("src", "store", "lua-script.ts")) {
          if (/\.eval\(/.test(await readFile(path, "utf8"))) offenders.push(path);
        }
      }
    };
    await walk("src");
    expect(offenders).toEqual([]);
  });
});
