import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { Cluster } from "ioredis";
import type { Config } from "../config/config.js";
import type { CheckResult } from "../core/check-result.js";
import { decodeUriSafely } from "../core/decode-uri-safely.js";
import { errorCode } from "../core/error-code.js";
import { connectRedis, masterNodes } from "../redis/connect.js";
import { REDIS_INSTALL_OPTIONS } from "../redis/redis-server-process.js";
import { maskRedisUrl, redisTargetFrom } from "../redis/redis-target.js";

export interface RedisCheckOptions {
  /** The embedded server's binary (tests point it at a missing one). */
  command?: string;
  /** Connect and command timeout, and the limit for `redis-server --version`. */
  timeoutMs?: number;
}

/** BullMQ refuses older servers and warns below the recommended one. */
const MINIMUM_VERSION = [5, 0, 0] as const;
const RECOMMENDED_VERSION = [6, 2, 0] as const;

const INSTALL_HINT = REDIS_INSTALL_OPTIONS.join(", or ");

/**
 * The Redis the bot will use: with `REDIS_URL`, that server (reachable, version, AOF, eviction policy);
 * without it, the `redis-server` binary the bot starts itself.
 */
export async function redisCheck(config: Config, options: RedisCheckOptions = {}): Promise<CheckResult> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  return config.REDIS_URL
    ? remoteCheck(config.REDIS_URL, timeoutMs)
    : embeddedCheck(config.DATA_DIR, options.command ?? "redis-server", timeoutMs);
}

async function remoteCheck(url: string, timeoutMs: number): Promise<CheckResult> {
  const shown = maskRedisUrl(url);
  const redis = connectRedis(
    redisTargetFrom(url)!,
    {
      lazyConnect: true,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: false,
    },
    // A cluster that cannot be reached fails the check instead of being retried forever.
    { clusterRetryStrategy: () => null, maxRedirections: 16 },
  );
  // The socket's own error (ECONNREFUSED, ENOTFOUND …) is more telling than "Connection is closed".
  let socketError: Error | undefined;
  redis.on("error", (error: Error) => {
    socketError ??= error;
  });
  try {
    await redis.connect();
    await redis.ping();
    const notes: string[] = [];
    let status: CheckResult["status"] = "ok";
    // On a cluster: INFO of every master (each must keep AOF and noeviction), and the cluster's state.
    const infos = await Promise.all(masterNodes(redis).map(async (node) => parseInfo(await node.info())));
    if (redis instanceof Cluster) {
      const state = /cluster_state:(\w+)/.exec(String(await redis.cluster("INFO")))?.[1] ?? "unknown";
      if (state !== "ok") status = "fail";
      notes.push(`cluster of ${infos.length} masters, cluster_state ${state}`);
    }
    const info = mergeInfos(infos);
    const version = info.get("redis_version") ?? "unknown";
    const versionNote = versionProblem(version);
    if (versionNote) {
      status = versionNote.status;
      notes.push(versionNote.text);
    }
    const aof = info.get("aof_enabled");
    if (aof === "1") {
      notes.push("appendonly yes");
    } else {
      if (status === "ok") status = "warn";
      notes.push(
        aof === "0"
          ? "appendonly no: queued work may be lost if Redis crashes (set appendonly yes)"
          : "appendonly unknown (INFO persistence not readable): without AOF queued work may be lost on a crash",
      );
    }
    const policy = info.get("maxmemory_policy");
    if (policy !== undefined && policy !== "noeviction") {
      if (status === "ok") status = "warn";
      notes.push(`maxmemory-policy ${policy}: Redis may evict queued jobs (set maxmemory-policy noeviction)`);
    }
    return { name: "redis", status, detail: `${shown} — Redis ${version}, ${notes.join("; ")}` };
  } catch (error) {
    const reason = scrub(describe(socketError ?? error), url);
    return { name: "redis", status: "fail", detail: `cannot use ${shown}: ${reason}` };
  } finally {
    redis.disconnect();
  }
}

async function embeddedCheck(dataDir: string, command: string, timeoutMs: number): Promise<CheckResult> {
  const outcome = await run(command, ["--version"], timeoutMs);
  if (outcome.kind === "missing") {
    return {
      name: "redis",
      status: "fail",
      detail: `REDIS_URL is unset and ${command} is not on PATH: ${INSTALL_HINT}`,
    };
  }
  if (outcome.kind === "error") {
    return { name: "redis", status: "fail", detail: `${command} --version failed: ${outcome.message}` };
  }
  const version = /\bv=(\d+\.\d+\.\d+)/.exec(outcome.stdout)?.[1] ?? "unknown";
  const versionNote = versionProblem(version);
  const where = `(data under ${resolve(dataDir, "redis")})`;
  return versionNote
    ? {
        name: "redis",
        status: versionNote.status,
        detail: `embedded ${command} ${where}: ${versionNote.text}`,
      }
    : { name: "redis", status: "ok", detail: `embedded ${command} ${version} will be started ${where}` };
}

type RunOutcome = { kind: "ok"; stdout: string } | { kind: "missing" } | { kind: "error"; message: string };

function run(command: string, args: string[], timeoutMs: number): Promise<RunOutcome> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("error", (error: NodeJS.ErrnoException) => {
      resolvePromise(
        error.code === "ENOENT" ? { kind: "missing" } : { kind: "error", message: error.message },
      );
    });
    child.once("close", (code, signal) => {
      if (code === 0) resolvePromise({ kind: "ok", stdout });
      else {
        const why = signal ? `killed by ${signal}` : `exit code ${code}`;
        resolvePromise({ kind: "error", message: `${why}${stderr.trim() ? `: ${stderr.trim()}` : ""}` });
      }
    });
  });
}

function versionProblem(version: string): { status: "fail" | "warn"; text: string } | undefined {
  const parts = version.split(".").map(Number);
  if (parts.length < 2 || parts.some(Number.isNaN)) return undefined;
  if (compare(parts, MINIMUM_VERSION) < 0) {
    return {
      status: "fail",
      text: `Redis ${version} is too old: the job queue needs ${MINIMUM_VERSION.join(".")} or later`,
    };
  }
  if (compare(parts, RECOMMENDED_VERSION) < 0) {
    return {
      status: "warn",
      text: `Redis ${version} works, ${RECOMMENDED_VERSION.join(".")} or later is recommended`,
    };
  }
  return undefined;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * One view of several nodes' INFO: a field whose value differs between nodes keeps the worst one for
 * the checks below (the oldest version, AOF off, an evicting policy).
 */
function mergeInfos(infos: Map<string, string>[]): Map<string, string> {
  const merged = new Map(infos[0]);
  for (const info of infos.slice(1)) {
    const version = info.get("redis_version");
    if (
      version &&
      compare(version.split(".").map(Number), (merged.get("redis_version") ?? "").split(".").map(Number)) < 0
    )
      merged.set("redis_version", version);
    if (info.get("aof_enabled") !== "1") merged.set("aof_enabled", info.get("aof_enabled") ?? "");
    const policy = info.get("maxmemory_policy");
    if (policy && policy !== "noeviction") merged.set("maxmemory_policy", policy);
  }
  return merged;
}

function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0 && !line.startsWith("#")) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/** Removes the URL's secrets from a message, should a library ever echo them. */
function scrub(message: string, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return message;
  }
  const secrets = [parsed.password, decodeUriSafely(parsed.password)];
  for (const [key, value] of parsed.searchParams) {
    if (/pass|secret|token|auth/i.test(key)) secrets.push(value);
  }
  let result = message;
  for (const secret of secrets) {
    if (secret) result = result.split(secret).join("***");
  }
  return result;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = errorCode(error);
    return typeof code === "string" && !error.message.includes(code)
      ? `${code}: ${error.message}`
      : error.message;
  }
  return String(error);
}
