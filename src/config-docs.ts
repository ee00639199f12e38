/**
 * What each environment variable means, for people who run the bot. Names and defaults live in the
 * schema (`src/config.ts`); this map adds the words. `nemo-video-bot config` renders both into
 * `docs/configuration.md` and `.env.example`, and `npm test` fails when a schema variable has no entry
 * here (or an entry names no variable). Adding a variable: one line in the schema, one entry here.
 */

/** Groups of the reference, in the order they are printed. */
export const CONFIG_SECTIONS = [
  "NemoVideo backend",
  "Redis",
  "Discord",
  "Slack",
  "HTTP, logs and local state",
  "Workers, timings and limits",
  "Admin port",
] as const;

export type ConfigSection = (typeof CONFIG_SECTIONS)[number];

export interface VariableDoc {
  section: ConfigSection;
  /** One or two sentences: what it does, and what happens when it is unset. */
  meaning: string;
  /** A realistic value (never a real secret). */
  example?: string;
  /** Credentials: never logged, left empty in `.env.example`. */
  secret?: boolean;
}

export const CONFIG_DOCS: Readonly<Record<string, VariableDoc>> = {
  NEMO_API_URL: {
    section: "NemoVideo backend",
    meaning: "Base URL of the NemoVideo API. Point it at the simulator for offline runs.",
    example: "http://127.0.0.1:8787",
  },
  NEMO_WEB_URL: {
    section: "NemoVideo backend",
    meaning: "NemoVideo web app, the base of the “Open in NemoVideo” links posted with exported videos.",
    example: "https://nemovideo.com",
  },
  NEMO_TOKEN: {
    section: "NemoVideo backend",
    meaning:
      "Operator API token of a NemoVideo account (created under Settings → API Tokens in the web app); " +
      "its credits pay for everyone the bot serves. Unset: the bot obtains anonymous tokens (100 free credits, renewed every 7 days).",
    example: "nmv_usr_…",
    secret: true,
  },
  NEMO_CLIENT_ID: {
    section: "NemoVideo backend",
    meaning:
      "Client id (a UUID) under which anonymous tokens are requested. Unset: generated once and kept in Redis. " +
      "Set it to keep the same anonymous account across Redis resets.",
    example: "3f2b8c1e-7a4d-4e9b-9c2a-1d5e6f7a8b9c",
    secret: true,
  },
  NEMO_SKILL_SOURCE: {
    section: "NemoVideo backend",
    meaning: "Attribution source sent with every backend call (`X-Skill-Source`). Unset: the package name.",
    example: "acme-video-bot",
  },
  NEMO_MAX_CONNECTIONS: {
    section: "NemoVideo backend",
    meaning:
      "Pooled HTTP connections to the backend per process. Every running stream, upload and export poll " +
      "holds one, so it must be at least TURN_CONCURRENCY + UPLOAD_CONCURRENCY + RENDER_CONCURRENCY. " +
      "Unset: that sum plus 64 (2130 with the defaults).",
    example: "2130",
  },
  NEMO_MAX_UPLOAD_MB: {
    section: "NemoVideo backend",
    meaning:
      "Largest attachment the bot accepts, in megabytes; larger files are refused before any download. " +
      "Keep it at or below the backend's own limit (200–500 MB depending on the deployment).",
    example: "200",
  },
  REDIS_URL: {
    section: "Redis",
    meaning:
      "Redis holding the queues, thread lines and sessions; every process of one deployment uses the same one. " +
      "Unset: the bot starts its own `redis-server` (unix socket, AOF under `DATA_DIR/redis`) and stops it on exit. " +
      'A Redis Cluster: `redis+cluster://[user:password@]host1:port,host2:port` (`rediss+cluster://` for TLS); see README, "Redis Cluster".',
    example: "redis://:password@redis.internal:6379/0",
    secret: true,
  },
  REDIS_CLUSTER_NODES: {
    section: "Redis",
    meaning:
      "Redis Cluster nodes as `host:port,host:port` (some or all masters; the rest are discovered). Set, it wins over " +
      "`REDIS_URL`'s hosts, and `REDIS_URL` (if set) only gives the password and TLS (`rediss://`).",
    example: "redis-cluster-0.redis-cluster-headless:6379,redis-cluster-1.redis-cluster-headless:6379",
  },
  KEY_PREFIX: {
    section: "Redis",
    meaning:
      "Prefix of every Redis key and queue, written as a hash tag (`{nemo}:…`) so one deployment lives in one " +
      "Redis Cluster slot. Give each deployment sharing a Redis its own prefix.",
    example: "nemo-staging",
  },
  DISCORD_TOKEN: {
    section: "Discord",
    meaning: "Bot token of the Discord application. Unset: Discord is not started.",
    example: "MTE…",
    secret: true,
  },
  DISCORD_API_URL: {
    section: "Discord",
    meaning: "Discord REST base URL, for proxies and tests. Unset: Discord's own.",
    example: "https://discord-proxy.internal/api",
  },
  DISCORD_GUILD_ID: {
    section: "Discord",
    meaning:
      "Register the slash commands in this one server (instantly) instead of globally (which Discord may take up to an hour to show).",
    example: "112233445566778899",
  },
  DISCORD_ALLOWED_GUILDS: {
    section: "Discord",
    meaning:
      "Comma-separated server ids the bot works in; empty allows every server it is invited to. " +
      "With a list, direct messages only when it contains `dm`.",
    example: "112233445566778899,dm",
  },
  DISCORD_ALLOWED_CHANNELS: {
    section: "Discord",
    meaning:
      "Comma-separated channel ids the bot works in (threads count as their parent channel); empty allows every channel.",
    example: "223344556677889900",
  },
  DISCORD_MESSAGE_CONTENT: {
    section: "Discord",
    meaning:
      "Request the privileged Message Content intent, needed to follow replies in a thread without a mention. " +
      "Set `false` when the intent is not enabled for the application: mentions, DMs, slash commands and buttons still work.",
    example: "false",
  },
  SLACK_BOT_TOKEN: {
    section: "Slack",
    meaning:
      "Bot token (`xoxb-…`) of the Slack app. Slack starts when it is set together with " +
      "`SLACK_SIGNING_SECRET` (HTTP) or `SLACK_APP_TOKEN` (Socket Mode).",
    example: "xoxb-…",
    secret: true,
  },
  SLACK_SIGNING_SECRET: {
    section: "Slack",
    meaning:
      "Signing secret for HTTP mode: Slack posts events, `/nemo` and button clicks to `/slack/events` on `PORT`; " +
      "requests with a bad signature or a stale timestamp get 401.",
    secret: true,
  },
  SLACK_APP_TOKEN: {
    section: "Slack",
    meaning:
      "App-level token (`xapp-…`, scope `connections:write`) for Socket Mode: no public URL needed. Wins over HTTP mode when both are set.",
    example: "xapp-…",
    secret: true,
  },
  SLACK_API_URL: {
    section: "Slack",
    meaning: "Slack Web API base URL, for proxies and tests. Unset: Slack's own.",
    example: "https://slack-proxy.internal/api/",
  },
  SLACK_ALLOWED_CHANNELS: {
    section: "Slack",
    meaning:
      "Comma-separated channel ids the bot works in; empty allows every channel it is in. " +
      "With a list, direct messages only when it contains `dm`.",
    example: "C0123456789,dm",
  },
  PORT: {
    section: "HTTP, logs and local state",
    meaning:
      "Public HTTP port of the gateway (`/slack/events`, `/healthz`; metrics are on `ADMIN_PORT`). Worker-only processes open no public port.",
    example: "8080",
  },
  LOG_LEVEL: {
    section: "HTTP, logs and local state",
    meaning:
      "pino log level: `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`. Logs are JSON lines on stdout " +
      "(in `DATA_DIR/bot.log` while the console chat owns the terminal).",
    example: "debug",
  },
  DOWNLOAD_HOSTS: {
    section: "HTTP, logs and local state",
    meaning:
      "Comma-separated extra hosts attachments may be downloaded from, besides Discord's and Slack's file hosts (for proxies and tests).",
    example: "files.example.com",
  },
  DATA_DIR: {
    section: "HTTP, logs and local state",
    meaning:
      "Folder for local state: the embedded Redis (`redis/`), the console's log file, the demo's data. Not needed with `REDIS_URL` on a server.",
    example: "/var/lib/nemo-video-bot",
  },
  TURN_CONCURRENCY: {
    section: "Workers, timings and limits",
    meaning:
      "Messages streamed at once by one worker process. Streams are I/O-bound (a few tens of KB each), so thousands fit in one process.",
    example: "2000",
  },
  UPLOAD_CONCURRENCY: {
    section: "Workers, timings and limits",
    meaning: "Uploads relayed to the backend at once by one worker process.",
    example: "16",
  },
  RENDER_CONCURRENCY: {
    section: "Workers, timings and limits",
    meaning:
      "Export submissions and status polls run at once by one worker process (waiting exports hold no slot).",
    example: "50",
  },
  DELIVER_CONCURRENCY: {
    section: "Workers, timings and limits",
    meaning: "Outbox deliveries (posts and edits that failed once) retried at once by one worker process.",
    example: "50",
  },
  TURN_LOCK_MS: {
    section: "Workers, timings and limits",
    meaning:
      "Job lock: renewed every half of it while a job runs; a dead worker's job is taken over after it. Shorter means faster takeover, but an event-loop stall longer than it causes a (safe, never re-sent) takeover.",
    example: "15000",
  },
  STALLED_CHECK_MS: {
    section: "Workers, timings and limits",
    meaning: "How often workers look for jobs whose lock expired (at most TURN_LOCK_MS).",
    example: "5000",
  },
  RECOVERY_FIRST_DELAY_MS: {
    section: "Workers, timings and limits",
    meaning:
      "First state poll after a lost stream or a takeover; later polls back off up to about 5 minutes.",
    example: "2000",
  },
  REFUSAL_CHECK_DELAY_MS: {
    section: "Workers, timings and limits",
    meaning:
      "After NemoVideo refuses a message with an HTTP error (e.g. a proxy's 502), one state check after this long, then the user is told and may retry.",
    example: "3000",
  },
  BACKEND_MAX_WAIT_MS: {
    section: "Workers, timings and limits",
    meaning:
      "While NemoVideo is unreachable, queued messages wait this long (told once per thread), then fail with a Retry button.",
    example: "1800000",
  },
  NEMO_BREAKER_THRESHOLD: {
    section: "Workers, timings and limits",
    meaning:
      "Consecutive unreachable or 5xx answers that open the backend's circuit (shared by every process through Redis; `/healthz` then reports degraded).",
    example: "5",
  },
  NEMO_BREAKER_COOLDOWN_MS: {
    section: "Workers, timings and limits",
    meaning: "How long the circuit stays open after the last failure before a message is tried again.",
    example: "30000",
  },
  NEMO_STREAM_HEADERS_TIMEOUT_MS: {
    section: "Workers, timings and limits",
    meaning:
      "How long `/run_sse` may take to answer at all before the message counts as lost (then recovered from the state, never re-sent).",
    example: "60000",
  },
  SSE_MAX_EVENT_BYTES: {
    section: "Workers, timings and limits",
    meaning: "Largest single SSE event read from the backend; bigger ones are skipped and counted.",
    example: "1048576",
  },
  MAX_ANSWER_CHARS: {
    section: "Workers, timings and limits",
    meaning: "Longest answer text relayed to a thread; longer answers are cut with a note.",
    example: "40000",
  },
  RATE_LIMIT_MAX_WAIT_MS: {
    section: "Workers, timings and limits",
    meaning:
      "Longest Discord/Slack rate limit (`Retry-After`) a delivery waits out in place; a longer one goes to the outbox, which tries again once it has passed.",
    example: "60000",
  },
  ADMIN_PORT: {
    section: "Admin port",
    meaning:
      "Port of `/metrics`, `/healthz` and the queue board (`/queues`) of every process, any role. Several processes on one host need their own, or 0 (any free port, logged).",
    example: "9464",
  },
  ADMIN_HOST: {
    section: "Admin port",
    meaning: "Interface the admin port listens on: loopback unless a scraper on another host needs it.",
    example: "127.0.0.1",
  },
  ADMIN_TOKEN: {
    section: "Admin port",
    meaning:
      "Bearer token required for `/metrics` and `/queues` on the admin port (`/healthz` stays open). Unset: no token (keep the port on loopback).",
    example: "a-long-random-string",
    secret: true,
  },
  DOWNLOAD_HEADERS_TIMEOUT_MS: {
    section: "Workers, timings and limits",
    meaning: "An attachment download fails when the file host sends no response headers within this long.",
    example: "30000",
  },
  DOWNLOAD_IDLE_TIMEOUT_MS: {
    section: "Workers, timings and limits",
    meaning: "An attachment download fails after this long without a byte.",
    example: "60000",
  },
  DOWNLOAD_TIMEOUT_MS: {
    section: "Workers, timings and limits",
    meaning:
      "Longest a whole attachment download may take (it also stops past NEMO_MAX_UPLOAD_MB, whatever size was declared).",
    example: "1800000",
  },
};
