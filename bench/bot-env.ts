/**
 * The quotas of every bench scenario: on, as shipped, with limits sized for the bench's one busy
 * workspace (one member in one channel sends thousands of messages, all at once). Printed by the bench.
 */
export const BENCH_QUOTAS: Record<string, string> = {
  QUOTA_TURNS_PER_HOUR: "user=100000,channel=100000,workspace=100000,global=100000",
  QUOTA_GENERATIONS_PER_DAY: "user=100000,channel=100000,workspace=100000,global=100000",
  QUOTA_EXPORTS_PER_DAY: "user=100000,channel=100000,workspace=100000,global=100000",
  QUOTA_RUNNING_TURNS_PER_USER: "10000",
};

/**
 * The environment every bench bot process runs with: the wiring (backend, Redis, Slack sink, ports, a
 * fresh key prefix and data directory) plus {@link BENCH_QUOTAS} and the scenario's own `overrides`.
 */
export function botEnv(wiring: {
  simUrl: string;
  redisUrl: string;
  prefix: string;
  dataDir: string;
  slackApiUrl: string;
  signingSecret: string;
  port: number;
  overrides?: Record<string, string>;
}): Record<string, string> {
  return {
    NEMO_API_URL: wiring.simUrl,
    NEMO_WEB_URL: "https://web.example",
    REDIS_URL: wiring.redisUrl,
    KEY_PREFIX: wiring.prefix,
    DATA_DIR: wiring.dataDir,
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: wiring.signingSecret,
    SLACK_API_URL: wiring.slackApiUrl,
    PORT: String(wiring.port),
    ADMIN_PORT: "0",
    ...BENCH_QUOTAS,
    ...wiring.overrides,
  };
}
