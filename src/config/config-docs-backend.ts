import type { VariableDoc } from "./variable-doc.js";

/** What the variables of the NemoVideo backend and Redis mean. */
export const BACKEND_DOCS: Readonly<Record<string, VariableDoc>> = {
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
  CLAIM_LINKS: {
    section: "NemoVideo backend",
    meaning:
      "Who gets the “Open in NemoVideo” link of a finished export (a claim link: whoever opens it can take the project). " +
      "`private`: only the thread's owner, privately (an ephemeral note or a DM), and again on “Get my NemoVideo link” or `/history`; " +
      "`public`: posted with the video for everyone in the thread.",
    example: "public",
  },
  NEMO_MEDIA_HOSTS: {
    section: "NemoVideo backend",
    meaning:
      "Comma-separated extra hosts (and their subdomains) the bot may fetch finished videos from to upload them into a chat, besides the sites of `NEMO_API_URL` and `NEMO_WEB_URL` (e.g. `nemovideo.ai`, `nemovideo.com`). Only https (plain http to loopback); redirects are followed only within these hosts. An output URL elsewhere is replaced by the backend's download link, with a note in the thread, and logged (`video-url-refused`); set this when your backend serves videos from another domain.",
    example: "cdn.example-storage.com",
  },
  NEMO_ALLOW_INSECURE_HTTP: {
    section: "NemoVideo backend",
    meaning:
      "Allow plain `http://` in `NEMO_API_URL` / `NEMO_WEB_URL` (and for video downloads) for a host beyond loopback (the bearer token then travels unencrypted: only on a trusted private network, e.g. the compose demo's simulator). Loopback URLs are always allowed.",
    example: "true",
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
      "holds one, so it must be at least TURN_CONCURRENCY + UPLOAD_CONCURRENCY + EXPORT_CONCURRENCY. " +
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
};
