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
  NEMO_BILLING_URL: {
    section: "NemoVideo backend",
    meaning:
      "The web app's billing page, linked when a registered account (the operator's `NEMO_TOKEN` or a user's own) runs out of credits. " +
      "Unset: `<NEMO_WEB_URL>/billing`.",
    example: "https://nemovideo.com/billing",
  },
  CREDITS_GUARD_THRESHOLD: {
    section: "NemoVideo backend",
    meaning:
      "Credits guard: when the account's balance (cached up to 60 s) is below this, a message that will likely generate shows the balance and " +
      "the estimated cost with Continue / Cancel first, and is refused when the balance is below the estimate; a low-balance warning is posted once per crossing. 0 turns the guard off. " +
      "The default (one clip) refuses what the account cannot pay for; raise it (e.g. 300) to be asked before the last few clips.",
    example: "300",
  },
  CREDITS_GENERATION_COST: {
    section: "NemoVideo backend",
    meaning:
      "Estimated credits of one generated clip (the credits guard's estimate for a message that will likely generate).",
    example: "100",
  },
  CREDITS_EDIT_COST: {
    section: "NemoVideo backend",
    meaning:
      "Estimated credits of one editing session (the credits guard's estimate for an edit in a thread that already generated).",
    example: "50",
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
  DISCORD_SHARD_COUNT: {
    section: "Discord",
    meaning:
      "Total number of shards of the bot across all gateway processes (Discord requires sharding from 2,500 guilds). " +
      "Unset: one shard, or Discord's recommendation (`GET /gateway/bot`, printed by `doctor`) with `DISCORD_SHARDS=auto`. See README, Sharding.",
    example: "4",
  },
  DISCORD_SHARDS: {
    section: "Discord",
    meaning:
      "Shards this gateway process runs: `auto` (all, count from Discord) or ids like `0,1` (each below `DISCORD_SHARD_COUNT`); " +
      "run the other ids in other gateway processes. Unset: every shard of `DISCORD_SHARD_COUNT`.",
    example: "0,1",
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
  SLACK_MAX_UPLOAD_MB: {
    section: "Slack",
    meaning:
      "Largest exported MP4 (MB) the bot uploads into the Slack thread, where it plays inline (streamed from the backend, " +
      "never held in memory). A larger video is posted as a link with its size.",
    example: "100",
  },
  SLACK_CLIENT_ID: {
    section: "Slack",
    meaning:
      "The app's Client ID (Basic Information → App Credentials). With `SLACK_CLIENT_SECRET` and `SLACK_STATE_SECRET` the bot is " +
      "installable in many workspaces: `/slack/install` and `/slack/oauth_redirect` on `PORT`, installations in Redis (needs " +
      "`SECRETS_KEY` and `SLACK_SIGNING_SECRET`; `SLACK_BOT_TOKEN` is then not used). See README, Installing in many workspaces.",
    example: "1234567890.1234567890",
  },
  SLACK_CLIENT_SECRET: {
    section: "Slack",
    meaning: "The app's Client Secret, for the OAuth code exchange and token rotation (`oauth.v2.access`).",
    example: "…",
    secret: true,
  },
  SLACK_STATE_SECRET: {
    section: "Slack",
    meaning:
      "Any long random string; signs the OAuth `state` that ties `/slack/oauth_redirect` to the browser that opened `/slack/install`.",
    example: "…",
    secret: true,
  },
  SECRETS_KEY: {
    section: "Slack",
    meaning:
      "Key material (at least 32 characters, e.g. `openssl rand -base64 32`) for AES-256-GCM encryption of tokens stored in Redis " +
      "(Slack installations, users' own NemoVideo tokens linked with `/login`). Unset: `/login` is off and says so. Every process of a " +
      "deployment needs the same value; changing it makes stored installations and linked accounts unreadable.",
    example: "…",
    secret: true,
  },
  DISCORD_ADMIN_ROLES: {
    section: "Discord",
    meaning:
      "Comma-separated role ids whose members are bot admins (start anew, cancel or retry in any thread, see the place's `/usage`, not limited by quotas). Members with Manage Server are admins anyway.",
    example: "334455667788990011",
  },
  SLACK_ADMIN_USERS: {
    section: "Slack",
    meaning:
      "Comma-separated Slack user ids that are bot admins in every workspace, besides workspace admins and owners (read from `users.info`).",
    example: "U0123456789",
  },
  QUOTA_TURNS_PER_HOUR: {
    section: "Workers, timings and limits",
    meaning:
      "Messages sent to the backend per hour, per member, channel, guild/workspace and for the whole bot (`scope=number`, any subset; 0 = unlimited). Refused messages are not sent and not counted.",
    example: "user=30,channel=120,workspace=300,global=1000",
  },
  QUOTA_GENERATIONS_PER_DAY: {
    section: "Workers, timings and limits",
    meaning:
      "Video generations per day and scope (counted when the backend starts generating; once a scope is full, its messages wait for the reset). Same form as `QUOTA_TURNS_PER_HOUR`.",
    example: "user=5,channel=20,workspace=50,global=200",
  },
  QUOTA_EXPORTS_PER_DAY: {
    section: "Workers, timings and limits",
    meaning: "Exports started per day and scope. Same form as `QUOTA_TURNS_PER_HOUR`.",
    example: "user=10,channel=40,workspace=100,global=400",
  },
  QUOTA_QUEUED_PER_THREAD: {
    section: "Workers, timings and limits",
    meaning: "Messages that may wait in one thread behind the one running; more are refused (0 = unlimited).",
    example: "5",
  },
  QUOTA_RUNNING_TURNS_PER_USER: {
    section: "Workers, timings and limits",
    meaning:
      "Messages one member may have running at once across threads; more are refused with Retry (0 = unlimited).",
    example: "2",
  },
  QUOTA_ADMINS_EXEMPT: {
    section: "Workers, timings and limits",
    meaning: "Whether admins (see `DISCORD_ADMIN_ROLES`, `SLACK_ADMIN_USERS`) are exempt from every quota.",
    example: "true",
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
