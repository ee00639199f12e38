import { createHash } from "node:crypto";
import type { RedisClient } from "../redis/connect.js";

type Argument = string | number;

/**
 * A Lua script sent by its SHA1 (EVALSHA): the body crosses the wire, and Redis hashes it, only when
 * the server answers NOSCRIPT (its first use after a start, a `SCRIPT FLUSH`, or on a cluster master
 * that has not seen it yet); that EVAL caches it there for the next calls. Works alike on one server
 * and on a cluster (each call lands on the master of its keys' slot).
 */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly body: string) {
    this.sha = createHash("sha1").update(body).digest("hex");
  }

  /** Runs the script: like `redis.eval(body, numberOfKeys, ...keysThenArgs)`. */
  async run(redis: RedisClient, numberOfKeys: number, ...keysThenArgs: Argument[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, numberOfKeys, ...keysThenArgs);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.eval(this.body, numberOfKeys, ...keysThenArgs);
    }
  }
}

/** Deletes KEYS[1] only while it holds ARGV[1] (a lock's owner value); 1 when it did, else 0. */
export const COMPARE_AND_DELETE = new LuaScript(
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
);
