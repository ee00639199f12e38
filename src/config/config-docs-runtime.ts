import type { VariableDoc } from "./variable-doc.js";

/** What the variables of HTTP, logs, local state, workers, timings, limits and the admin port mean. */
export const RUNTIME_DOCS: Readonly<Record<string, VariableDoc>> = {
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
    meaning:
      "Whether place admins (Manage Server, `DISCORD_ADMIN_ROLES`, Slack workspace admins, `SLACK_ADMIN_USERS`) skip their own place's limits (channel, server/workspace, queued per thread). Never the member, global or shared-account limits: only operators skip those.",
    example: "true",
  },
  PORT: {
    section: "HTTP, logs and local state",
    meaning:
      "Public HTTP port, bound only where Slack is served over HTTP (`/slack/events`, the OAuth install pages of a distributed app) by a role with adapters; also serves `/healthz` there (metrics are on `ADMIN_PORT`). Discord, Socket Mode, the console and `--role worker` bind no public port.",
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
  EXPORT_CONCURRENCY: {
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
      "Lock of turn and upload jobs (other jobs: at most 15 s): renewed every half of it while a job runs; a killed worker's turn is taken over after it (a stopping worker's within seconds). Shorter means faster takeover after a crash but more Redis work per long stream; an event-loop stall longer than it causes a (safe, never re-sent) takeover.",
    example: "120000",
  },
  STALLED_CHECK_MS: {
    section: "Workers, timings and limits",
    meaning:
      "How often workers look for jobs whose lock expired (at most TURN_LOCK_MS); turn and upload workers look every quarter of TURN_LOCK_MS when that is longer (each look costs a Redis command per running job).",
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
      "Port of `/metrics`, `/healthz` and the queue board (`/queues`) of every process, any role. Unset: the default when free, else any free port (in the start-up banner, the `admin-listening` log line and `/healthz`), so several processes share a host without settings. Set: exactly that port (in use: the start is refused); 0: any free port.",
    example: "9464",
  },
  ADMIN_HOST: {
    section: "Admin port",
    meaning:
      "Interface the admin port listens on: loopback unless a scraper on another host needs it. Anything beyond loopback (`0.0.0.0`, a pod IP) requires `ADMIN_TOKEN`: the bot refuses to start without it.",
    example: "127.0.0.1",
  },
  ADMIN_TOKEN: {
    section: "Admin port",
    meaning:
      "Bearer token required for `/metrics` and `/queues` on the admin port (`/healthz` stays open); at least 24 characters, no placeholder (`openssl rand -hex 32`). Unset: no token, loopback only, and only requests addressed to loopback (or `ADMIN_ALLOWED_HOSTS`) are answered.",
    example: "…",
    secret: true,
  },
  ADMIN_BOARD_WRITES: {
    section: "Admin port",
    meaning:
      "Let the queue board change queues (add, retry, promote, clean, empty, pause). Unset: the board is read-only (writes answer 405). Needs `ADMIN_TOKEN`.",
    example: "true",
  },
  ADMIN_ALLOWED_HOSTS: {
    section: "Admin port",
    meaning:
      "Comma-separated host names (the `Host` header, without port) the admin port answers besides `localhost`, `127.0.0.1` and `[::1]` while no `ADMIN_TOKEN` is set; other hosts get 421 (a DNS-rebinding page cannot reach it).",
    example: "bot-admin.internal",
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
