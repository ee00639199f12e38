import { existsSync } from "node:fs";
import { z } from "zod";
import type { NemoClientOptions } from "../core/nemo/client-options.js";
import { isRedisUrl, withClusterNodes } from "../redis/redis-target.js";
import { DEFAULT_CONCURRENCY } from "./concurrency-defaults.js";
import { DEFAULT_QUOTAS, formatScopedLimits, parseScopedLimits, type ScopedLimits } from "./quota-limits.js";
import { withRenamedVariables } from "./renamed-variables.js";
import { httpUrl, securityProblems, strongSecret } from "./security-rules.js";

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const optionalUrl = optionalText.pipe(z.string().url({ message: "must be a URL" }).optional());

const list = optionalText.transform((value) =>
  value
    ? value
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean)
    : [],
);

/** `user=30,channel=120,…` limits per scope (quota-limits.ts), checked here, read by `quotaSettings`. */
const scopedLimits = (defaults: ScopedLimits) =>
  z
    .string()
    .trim()
    .default(formatScopedLimits(defaults))
    .superRefine((value, context) => {
      try {
        parseScopedLimits(value, defaults);
      } catch (error) {
        context.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
      }
    });

const flag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .default(fallback ? "true" : "false")
    .transform((value) => value === "true" || value === "1" || value === "yes");

/** Every environment variable the bot reads (docs/configuration.md), validated in one place. */
const schema = z.object({
  NEMO_API_URL: httpUrl("https://mega-api-prod.nemovideo.ai"),
  NEMO_WEB_URL: httpUrl("https://nemovideo.com"),
  NEMO_MEDIA_HOSTS: list, // hosts finished videos may be fetched from, besides the backend's own sites
  NEMO_ALLOW_INSECURE_HTTP: flag(false), // plain http:// to a backend beyond loopback (the bearer token travels unencrypted)
  NEMO_TOKEN: optionalText,
  NEMO_CLIENT_ID: optionalText,
  NEMO_SKILL_SOURCE: optionalText,
  CLAIM_LINKS: z.enum(["private", "public"]).default("private"), // who sees "Open in NemoVideo" links: the thread's owner only, or everyone in the thread
  NEMO_BILLING_URL: optionalUrl, // where a registered account buys credits; unset: <NEMO_WEB_URL>/billing
  CREDITS_GUARD_THRESHOLD: z.coerce.number().int().min(0).max(1_000_000).default(100), // below this balance a likely generation asks Continue/Cancel first; 0 = guard off
  CREDITS_GENERATION_COST: z.coerce.number().int().min(1).max(100_000).default(100), // estimated credits of one generated clip
  CREDITS_EDIT_COST: z.coerce.number().int().min(1).max(100_000).default(50), // estimated credits of one editing session
  /** Pooled connections to the backend per process; each running stream holds one. Default: turns + uploads + renders + 64. */
  NEMO_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).optional(),
  TURN_CONCURRENCY: z.coerce.number().int().min(1).max(50_000).default(DEFAULT_CONCURRENCY.turn), // messages streamed at once per worker process (I/O-bound)
  UPLOAD_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(DEFAULT_CONCURRENCY.upload), // uploads relayed at once per worker process
  EXPORT_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_CONCURRENCY.export), // export submissions/polls at once per worker process
  DELIVER_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_CONCURRENCY.deliver), // outbox posts/edits at once per worker process
  TURN_LOCK_MS: z.coerce.number().int().min(5_000).max(600_000).default(120_000), // a killed worker's turn is retaken after this (renewed every half)
  STALLED_CHECK_MS: z.coerce.number().int().min(1_000).max(600_000).default(5_000), // how often workers look for jobs whose lock expired
  RECOVERY_FIRST_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(2_000), // first state poll after a lost stream or a takeover
  REFUSAL_CHECK_DELAY_MS: z.coerce.number().int().min(0).max(15_000).default(3_000), // after an HTTP refusal of /run_sse: one state check after this
  BACKEND_MAX_WAIT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 86_400_000)
    .default(1_800_000), // a turn waits this long for an unreachable backend, then fails with Retry
  NEMO_BREAKER_THRESHOLD: z.coerce.number().int().min(1).max(1_000).default(5), // consecutive unreachable/5xx answers that open the circuit
  NEMO_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000), // circuit stays open this long after the last failure
  NEMO_STREAM_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000), // /run_sse may take this long to answer before it counts as lost
  SSE_MAX_EVENT_BYTES: z.coerce
    .number()
    .int()
    .min(1_024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024), // bigger SSE events are skipped and counted
  MAX_ANSWER_CHARS: z.coerce.number().int().min(100).max(1_000_000).default(40_000), // longer answers are cut with a note
  NEMO_MAX_UPLOAD_MB: z.coerce.number().positive().max(10_000).default(500),
  REDIS_URL: optionalText.pipe(
    z
      .string()
      .refine(isRedisUrl, {
        message: "must be a redis://, rediss:// or unix:// URL, or redis+cluster://host:port,host:port",
      })
      .optional(),
  ),
  REDIS_CLUSTER_NODES: list.refine((nodes) => nodes.every((node) => isRedisUrl(`redis+cluster://${node}`)), {
    message: "must be host:port,host:port",
  }), // Redis Cluster nodes; REDIS_URL then gives only credentials and TLS
  /** Prefix of every Redis key and queue (written as a hash tag); one per deployment. */
  KEY_PREFIX: z
    .string()
    .trim()
    .regex(/^[\w.-]+$/, { message: "letters, digits, '.', '_' or '-' only" })
    .default("nemo"),
  DISCORD_TOKEN: optionalText,
  DISCORD_API_URL: optionalUrl,
  DISCORD_GUILD_ID: optionalText,
  DISCORD_ALLOWED_GUILDS: list,
  DISCORD_ALLOWED_CHANNELS: list,
  /** Request the privileged Message Content intent (thread follow-ups without a mention need it). */
  DISCORD_MESSAGE_CONTENT: z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .default("true")
    .transform((value) => ["true", "1", "yes"].includes(value)),
  DISCORD_SHARD_COUNT: z.coerce.number().int().min(1).max(100_000).optional(), // total shards of the bot (all processes); unset: one, or Discord's recommendation with DISCORD_SHARDS=auto
  DISCORD_SHARDS: z
    .string()
    .trim()
    .regex(/^(auto|\d+(\s*,\s*\d+)*)?$/, { message: "`auto` or shard ids like `0,1`" })
    .optional(), // shards this process runs; unset: all of DISCORD_SHARD_COUNT
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: optionalUrl,
  SLACK_ALLOWED_CHANNELS: list,
  /** Exported videos up to this many MB are uploaded into the Slack thread (plays inline); larger ones are a link. */
  SLACK_MAX_UPLOAD_MB: z.coerce.number().positive().max(1_000).default(100),
  SLACK_CLIENT_ID: optionalText, // with SLACK_CLIENT_SECRET + SLACK_STATE_SECRET: installable in many workspaces (OAuth)
  SLACK_CLIENT_SECRET: optionalText,
  SLACK_STATE_SECRET: strongSecret(24), // signs the OAuth state of /slack/install
  SECRETS_KEY: optionalText.pipe(
    z.string().min(32, { message: "must be at least 32 characters" }).optional(),
  ), // AES-256-GCM key material for every secret stored in Redis (Slack installations, linked tokens, the anonymous token, reply addresses); unset: /login is off
  SECRETS_KEY_PREVIOUS: list.pipe(
    z.array(z.string().min(32, { message: "each key must be at least 32 characters" })),
  ), // older SECRETS_KEY values (comma-separated), only to open values sealed under them (key rotation)
  OPERATOR_DISCORD_USERS: list, // Discord user ids of the bot's operators (bind link, no global limits, usage everywhere)
  OPERATOR_SLACK_USERS: list, // Slack user ids of the bot's operators
  DISCORD_ADMIN_ROLES: list, // role ids whose members administer their guild (besides Manage Server)
  SLACK_ADMIN_USERS: list, // user ids that administer their installed workspace (besides workspace admins/owners)
  QUOTA_TURNS_PER_HOUR: scopedLimits(DEFAULT_QUOTAS.turnsPerHour), // backend turns per user/channel/workspace/global (0 = unlimited)
  QUOTA_GENERATIONS_PER_DAY: scopedLimits(DEFAULT_QUOTAS.generationsPerDay), // video generations per scope per day
  QUOTA_EXPORTS_PER_DAY: scopedLimits(DEFAULT_QUOTAS.exportsPerDay), // exports per scope per day
  QUOTA_QUEUED_PER_THREAD: z.coerce.number().int().min(0).max(1_000).default(DEFAULT_QUOTAS.queuedPerThread), // messages waiting in one thread (0 = unlimited)
  QUOTA_RUNNING_TURNS_PER_USER: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000)
    .default(DEFAULT_QUOTAS.runningTurnsPerUser), // turns one member streams at once (0 = unlimited)
  QUOTA_ADMINS_EXEMPT: flag(true), // place admins are not limited by their own place's quotas
  /** Longest Discord/Slack rate limit (Retry-After) waited out in place; longer ones go to the outbox. */
  RATE_LIMIT_MAX_WAIT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** Admin port of every process (`/metrics`, `/healthz`, `/queues`); 0 = any free port (logged). */
  ADMIN_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  /** Interface the admin port listens on: loopback unless a scraper elsewhere needs it. */
  ADMIN_HOST: z.string().trim().min(1).default("127.0.0.1"),
  /** Bearer token required for `/metrics` and `/queues` on the admin port when set. */
  ADMIN_TOKEN: strongSecret(24),
  /** Queue board writes (add, retry, clean, empty …); read-only unless true, and only with ADMIN_TOKEN. */
  ADMIN_BOARD_WRITES: flag(false),
  /** Host names the admin port answers besides loopback when no ADMIN_TOKEN is set (DNS rebinding guard). */
  ADMIN_ALLOWED_HOSTS: list,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DOWNLOAD_HOSTS: list,
  /** Attachment downloads: connect + response headers, longest pause between bytes, whole download (ms). */
  DOWNLOAD_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  DOWNLOAD_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
  DOWNLOAD_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(10_000)
    .max(24 * 3_600_000)
    .default(30 * 60_000),
  DATA_DIR: z.string().trim().default(".data"),
});

/** Slack distribution and Discord sharding: which variables go together. */
function distributionProblems(config: z.infer<typeof schema>): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const oauth = [config.SLACK_CLIENT_ID, config.SLACK_CLIENT_SECRET, config.SLACK_STATE_SECRET];
  if (oauth.some(Boolean)) {
    if (!oauth.every(Boolean))
      problems.push({
        path: "SLACK_CLIENT_ID",
        message: "set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET together",
      });
    if (!config.SECRETS_KEY)
      problems.push({
        path: "SECRETS_KEY",
        message: "is required to store Slack installations (tokens are encrypted at rest)",
      });
    if (!config.SLACK_SIGNING_SECRET)
      problems.push({
        path: "SLACK_SIGNING_SECRET",
        message: "is required to install in many workspaces (HTTP mode)",
      });
  }
  const shards = config.DISCORD_SHARDS;
  // A malformed list is reported by its own rule.
  if (shards && /^\d+(\s*,\s*\d+)*$/.test(shards)) {
    const count = config.DISCORD_SHARD_COUNT;
    if (count === undefined)
      problems.push({
        path: "DISCORD_SHARD_COUNT",
        message: "is required when DISCORD_SHARDS lists shard ids",
      });
    else if (shards.split(",").some((id) => Number(id) >= count))
      problems.push({
        path: "DISCORD_SHARDS",
        message: `shard ids must be below DISCORD_SHARD_COUNT (${count})`,
      });
  }
  return problems;
}

/** Backend connections beyond one per running job: commands' own calls (credits, status, …). */
const CONNECTION_HEADROOM = 64;

/** Relations between variables, and defaults derived from others. */
const validated = schema
  .superRefine((config, context) => {
    const needed = config.TURN_CONCURRENCY + config.UPLOAD_CONCURRENCY + config.EXPORT_CONCURRENCY;
    if (config.NEMO_MAX_CONNECTIONS !== undefined && config.NEMO_MAX_CONNECTIONS < needed) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["NEMO_MAX_CONNECTIONS"],
        message: `must be at least TURN_CONCURRENCY + UPLOAD_CONCURRENCY + EXPORT_CONCURRENCY (${needed}): each running stream, upload and export poll holds a connection (unset: ${needed + CONNECTION_HEADROOM})`,
      });
    }
    if (config.STALLED_CHECK_MS > config.TURN_LOCK_MS) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["STALLED_CHECK_MS"],
        message: `must not exceed TURN_LOCK_MS (${config.TURN_LOCK_MS})`,
      });
    }
    for (const problem of [...distributionProblems(config), ...securityProblems(config)])
      context.addIssue({ code: z.ZodIssueCode.custom, path: [problem.path], message: problem.message });
  })
  .transform((config) => ({
    ...config,
    REDIS_URL: withClusterNodes(config.REDIS_URL, config.REDIS_CLUSTER_NODES),
    NEMO_MAX_CONNECTIONS:
      config.NEMO_MAX_CONNECTIONS ??
      config.TURN_CONCURRENCY + config.UPLOAD_CONCURRENCY + config.EXPORT_CONCURRENCY + CONNECTION_HEADROOM,
  }));

export type Config = z.infer<typeof validated> & {
  /**
   * Whether `ADMIN_PORT` was set. A set port is strict (busy: the start is refused); unset, the default
   * is taken when free, else any free port (printed at start and in `/healthz`).
   */
  adminPortExplicit: boolean;
};

/** The schema itself: names and defaults for the generated reference (`nemo-video-bot config`). */
export const configSchema = schema;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads `.env` when present (without overriding the real environment), then validates. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, envFile = ".env"): Config {
  if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);
  const input = withRenamedVariables(env);
  const parsed = validated.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  return { ...parsed.data, adminPortExplicit: (input.ADMIN_PORT ?? "").trim() !== "" };
}

/** The NemoVideo client settings that come from configuration (the bot and `doctor` share them). */
export function nemoClientSettings(config: Config) {
  return {
    apiUrl: config.NEMO_API_URL,
    webUrl: config.NEMO_WEB_URL,
    token: config.NEMO_TOKEN,
    clientId: config.NEMO_CLIENT_ID,
    source: config.NEMO_SKILL_SOURCE,
    billingUrl: config.NEMO_BILLING_URL,
    connections: config.NEMO_MAX_CONNECTIONS,
    streamHeadersTimeoutMs: config.NEMO_STREAM_HEADERS_TIMEOUT_MS,
    maxEventBytes: config.SSE_MAX_EVENT_BYTES,
  } satisfies Partial<NemoClientOptions>;
}

/** Quota settings from configuration (quotas.ts). */
export function quotaSettings(config: Config) {
  return {
    turnsPerHour: parseScopedLimits(config.QUOTA_TURNS_PER_HOUR, DEFAULT_QUOTAS.turnsPerHour),
    generationsPerDay: parseScopedLimits(config.QUOTA_GENERATIONS_PER_DAY, DEFAULT_QUOTAS.generationsPerDay),
    exportsPerDay: parseScopedLimits(config.QUOTA_EXPORTS_PER_DAY, DEFAULT_QUOTAS.exportsPerDay),
    queuedPerThread: config.QUOTA_QUEUED_PER_THREAD,
    runningTurnsPerUser: config.QUOTA_RUNNING_TURNS_PER_USER,
    adminsExempt: config.QUOTA_ADMINS_EXEMPT,
  };
}

/** One line for `doctor`: the quotas in force. */
export function describeQuotas(config: Config): string {
  const q = quotaSettings(config);
  return `turns/h ${formatScopedLimits(q.turnsPerHour)}; generations/day ${formatScopedLimits(q.generationsPerDay)}; exports/day ${formatScopedLimits(q.exportsPerDay)}; queued/thread ${q.queuedPerThread}; running/user ${q.runningTurnsPerUser}; admins ${q.adminsExempt ? "exempt" : "limited"} (0 = unlimited)`;
}

/** A secret shown as its kind and length only, never its value. */
export function maskSecret(value: string | undefined): string {
  if (!value) return "not set";
  const prefix = /^[a-z]+_/i.exec(value)?.[0] ?? "";
  return `set (${prefix}…, ${value.length} chars)`;
}

/** The backend circuit breaker's settings: failures are counted over at least 5 minutes (4 cool-downs). */
export function breakerSettings(config: Config) {
  return {
    threshold: config.NEMO_BREAKER_THRESHOLD,
    cooldownMs: config.NEMO_BREAKER_COOLDOWN_MS,
    windowMs: Math.max(5 * 60_000, 4 * config.NEMO_BREAKER_COOLDOWN_MS),
    refreshMs: 1_000,
  };
}

/** The largest file the bot relays to the backend (`NEMO_MAX_UPLOAD_MB`, in MiB). */
export function maxUploadBytes(config: Config): number {
  return config.NEMO_MAX_UPLOAD_MB * 1024 * 1024;
}
