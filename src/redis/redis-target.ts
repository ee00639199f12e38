/**
 * Where the bot's Redis is: one server (`redis://…`, `rediss://…`, `unix` sockets) or a Redis Cluster
 * named by some of its nodes, either as `redis+cluster://[user:password@]host1:port,host2:port`
 * (`rediss+cluster://` for TLS) or as `REDIS_CLUSTER_NODES=host1:port,host2:port` (credentials and TLS
 * then come from `REDIS_URL`, when it is also set). Pure parsing: nothing connects here.
 */
export type RedisTarget =
  | { kind: "server"; url: string }
  | {
      kind: "cluster";
      nodes: { host: string; port: number }[];
      username?: string | undefined;
      password?: string | undefined;
      tls: boolean;
    };

const CLUSTER_SCHEME = /^(rediss?)\+cluster:\/\//i;

/** Thrown for a malformed cluster address (the configuration check shows the message). */
export class RedisTargetError extends Error {
  override name = "RedisTargetError";
}

/**
 * `REDIS_URL` with `REDIS_CLUSTER_NODES` folded in: the nodes as a `redis+cluster://` URL that keeps
 * the credentials and TLS of `url`; `url` itself when there are no nodes.
 */
export function withClusterNodes(
  url: string | undefined,
  clusterNodes: readonly string[],
): string | undefined {
  if (clusterNodes.length === 0) return url;
  const nodes = clusterNodes.map(parseNode).map((node) => `${node.host}:${node.port}`);
  const userInfo = url ? /^[a-z+]+:\/\/([^/]*)@/i.exec(url)?.[1] : undefined;
  const scheme = url && /^rediss/i.test(url) ? "rediss" : "redis";
  return `${scheme}+cluster://${userInfo ? `${userInfo}@` : ""}${nodes.join(",")}`;
}

/** The target a `REDIS_URL` names; undefined when it is unset (the bot then runs its own server). */
export function redisTargetFrom(url: string | undefined): RedisTarget | undefined {
  if (!url) return undefined;
  const scheme = CLUSTER_SCHEME.exec(url);
  if (!scheme) return { kind: "server", url };
  const rest = url.slice(scheme[0].length).replace(/\/.*$/, "");
  const at = rest.lastIndexOf("@");
  const hosts = at >= 0 ? rest.slice(at + 1) : rest;
  const nodes = hosts
    .split(",")
    .map((node) => node.trim())
    .filter(Boolean)
    .map(parseNode);
  if (nodes.length === 0) throw new RedisTargetError("a redis+cluster:// URL needs at least one host:port");
  return { kind: "cluster", nodes, ...credentialsOf(url) };
}

/** The schemes ioredis connects with: `redis:`, `rediss:` (TLS) and `unix:` (a socket path). */
const SERVER_SCHEMES = new Set(["redis:", "rediss:", "unix:"]);

/**
 * Whether a `REDIS_URL` value is acceptable: a `redis://`, `rediss://` or `unix://` URL, or a cluster URL
 * with well-formed nodes (an `http://…` value is refused here, not when connecting fails later).
 */
export function isRedisUrl(value: string): boolean {
  try {
    if (CLUSTER_SCHEME.test(value)) {
      redisTargetFrom(value);
      return true;
    }
    return SERVER_SCHEMES.has(new URL(value).protocol.toLowerCase());
  } catch {
    return false;
  }
}

/** The target fit to print: credentials become `***`. */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.kind === "server") return maskUrl(target.url);
  const credentials = target.username || target.password ? "***@" : "";
  const scheme = target.tls ? "rediss+cluster" : "redis+cluster";
  return `${scheme}://${credentials}${target.nodes.map((node) => `${node.host}:${node.port}`).join(",")}`;
}

function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = parsed.username ? "***" : "";
      parsed.password = parsed.password ? "***" : "";
    }
    return parsed.toString();
  } catch {
    return "REDIS_URL";
  }
}

function parseNode(text: string): { host: string; port: number } {
  const match = /^(?:rediss?(?:\+cluster)?:\/\/)?(?:[^@/]*@)?(\[[^\]]+\]|[^:/,]+)(?::(\d+))?\/?$/i.exec(
    text.trim(),
  );
  const port = Number(match?.[2] ?? 6379);
  if (!match || !Number.isInteger(port) || port < 1 || port > 65_535)
    throw new RedisTargetError(`not a host:port cluster node: ${text}`);
  return { host: match[1]!.replace(/^\[|\]$/g, ""), port };
}

/** User, password and TLS of a (cluster or plain) Redis URL, read without a URL parser (several hosts). */
function credentialsOf(url: string): { username?: string; password?: string; tls: boolean } {
  const tls = /^rediss/i.test(url);
  const rest = url.replace(/^[a-z+]+:\/\//i, "");
  const at = rest.lastIndexOf("@");
  if (at < 0) return { tls };
  const userInfo = rest.slice(0, at);
  const colon = userInfo.indexOf(":");
  const username = decodeURIComponent(colon >= 0 ? userInfo.slice(0, colon) : userInfo);
  const password = colon >= 0 ? decodeURIComponent(userInfo.slice(colon + 1)) : undefined;
  return {
    tls,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
  };
}

/** A Redis URL fit to print: credentials (and password-like query values) become `***`. */
export function maskRedisUrl(url: string): string {
  if (/^rediss?\+cluster:/i.test(url)) {
    try {
      return describeRedisTarget(redisTargetFrom(url)!);
    } catch {
      return "(unparseable REDIS_URL)";
    }
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(unparseable REDIS_URL)";
  }
  const credentials = parsed.username || parsed.password ? "***@" : "";
  const params = [...parsed.searchParams].map(([key, value]) =>
    /pass|secret|token|auth/i.test(key) ? `${key}=***` : `${key}=${value}`,
  );
  const query = params.length > 0 ? `?${params.join("&")}` : "";
  return `${parsed.protocol}//${credentials}${parsed.host}${parsed.pathname}${query}`;
}
