import { existsSync } from "node:fs";
import { z } from "zod";
import type { NemoClientOptions } from "./core/nemo/client.js";
import { isRedisUrl, withClusterNodes } from "./redis/redis-target.js";

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

/** Every environment variable the bot reads (DESIGN.md, "Contracts"), validated in one place. */
const schema = z.object({
  NEMO_API_URL: z
    .string()
    .trim()
    .url({ message: "must be a URL" })
    .default("https://mega-api-prod.nemovideo.ai"),
  NEMO_WEB_URL: z.string().trim().url({ message: "must be a URL" }).default("https://nemovideo.com"),
  NEMO_TOKEN: optionalText,
  NEMO_CLIENT_ID: optionalText,
  NEMO_SKILL_SOURCE: optionalText,
  /** Pooled connections to the backend per process; each running stream holds one. Default: turns + uploads + renders + 64. */
  NEMO_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).optional(),
  TURN_CONCURRENCY: z.coerce.number().int().min(1).max(50_000).default(2_000), // messages streamed at once per worker process (I/O-bound)
  UPLOAD_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(16), // uploads relayed at once per worker process
  RENDER_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(50), // export submissions/polls at once per worker process
  DELIVER_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(50), // outbox posts/edits at once per worker process
  TURN_LOCK_MS: z.coerce.number().int().min(5_000).max(600_000).default(15_000), // a dead worker's job is retaken after this (renewed every half)
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
      .refine(isRedisUrl, { message: "must be a redis:// URL or redis+cluster://host:port,host:port" })
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
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: optionalUrl,
  SLACK_ALLOWED_CHANNELS: list,
  /** Longest Discord/Slack rate limit (Retry-After) waited out in place; longer ones go to the outbox. */
  RATE_LIMIT_MAX_WAIT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** Admin port of every process (`/metrics`, `/healthz`, `/queues`); 0 = any free port (logged). */
  ADMIN_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  /** Interface the admin port listens on: loopback unless a scraper elsewhere needs it. */
  ADMIN_HOST: z.string().trim().min(1).default("127.0.0.1"),
  /** Bearer token required for `/metrics` and `/queues` on the admin port when set. */
  ADMIN_TOKEN: optionalText,
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

/** Backend connections beyond one per running job: the gateway's own calls (credits, status, …). */
const CONNECTION_HEADROOM = 64;

/** Relations between variables, and defaults derived from others. */
const validated = schema
  .superRefine((config, context) => {
    const needed = config.TURN_CONCURRENCY + config.UPLOAD_CONCURRENCY + config.RENDER_CONCURRENCY;
    if (config.NEMO_MAX_CONNECTIONS !== undefined && config.NEMO_MAX_CONNECTIONS < needed) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["NEMO_MAX_CONNECTIONS"],
        message: `must be at least TURN_CONCURRENCY + UPLOAD_CONCURRENCY + RENDER_CONCURRENCY (${needed}): each running stream, upload and export poll holds a connection (unset: ${needed + CONNECTION_HEADROOM})`,
      });
    }
    if (config.STALLED_CHECK_MS > config.TURN_LOCK_MS) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["STALLED_CHECK_MS"],
        message: `must not exceed TURN_LOCK_MS (${config.TURN_LOCK_MS})`,
      });
    }
  })
  .transform((config) => ({
    ...config,
    REDIS_URL: withClusterNodes(config.REDIS_URL, config.REDIS_CLUSTER_NODES),
    NEMO_MAX_CONNECTIONS:
      config.NEMO_MAX_CONNECTIONS ??
      config.TURN_CONCURRENCY + config.UPLOAD_CONCURRENCY + config.RENDER_CONCURRENCY + CONNECTION_HEADROOM,
  }));

export type Config = z.infer<typeof validated>;

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
  const parsed = validated.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  return parsed.data;
}

/** The NemoVideo client settings that come from configuration (the bot and `doctor` share them). */
export function nemoClientSettings(config: Config) {
  return {
    apiUrl: config.NEMO_API_URL,
    webUrl: config.NEMO_WEB_URL,
    token: config.NEMO_TOKEN,
    clientId: config.NEMO_CLIENT_ID,
    source: config.NEMO_SKILL_SOURCE,
    connections: config.NEMO_MAX_CONNECTIONS,
    streamHeadersTimeoutMs: config.NEMO_STREAM_HEADERS_TIMEOUT_MS,
    maxEventBytes: config.SSE_MAX_EVENT_BYTES,
  } satisfies Partial<NemoClientOptions>;
}

/** Jobs each worker process runs at once, by queue. */
export function workerConcurrency(config: Config) {
  return {
    turn: config.TURN_CONCURRENCY,
    upload: config.UPLOAD_CONCURRENCY,
    render: config.RENDER_CONCURRENCY,
    deliver: config.DELIVER_CONCURRENCY,
  };
}

/** One line for `doctor`: the concurrency settings and the backend connection pool. */
export function describeConcurrency(config: Config): string {
  const c = workerConcurrency(config);
  return `turns ${c.turn}, uploads ${c.upload}, exports ${c.render}, deliveries ${c.deliver} per worker; ${config.NEMO_MAX_CONNECTIONS} backend connections`;
}

/** A secret shown as its kind and length only, never its value. */
export function maskSecret(value: string | undefined): string {
  if (!value) return "not set";
  const prefix = /^[a-z]+_/i.exec(value)?.[0] ?? "";
  return `set (${prefix}…, ${value.length} chars)`;
}
