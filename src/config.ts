import { existsSync } from "node:fs";
import { z } from "zod";
import type { NemoClientOptions } from "./core/nemo/client.js";

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
  /** Pooled connections to the backend per process; each running stream holds one. */
  NEMO_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(256),
  NEMO_MAX_UPLOAD_MB: z.coerce.number().positive().max(10_000).default(500),
  REDIS_URL: optionalUrl,
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
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
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

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads `.env` when present (without overriding the real environment), then validates. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, envFile = ".env"): Config {
  if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);
  const parsed = schema.safeParse(env);
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
  } satisfies Partial<NemoClientOptions>;
}

/** A secret shown as its kind and length only, never its value. */
export function maskSecret(value: string | undefined): string {
  if (!value) return "not set";
  const prefix = /^[a-z]+_/i.exec(value)?.[0] ?? "";
  return `set (${prefix}…, ${value.length} chars)`;
}
