/**
 * The quotas of every bench scenario: on, as shipped, with the place limits sized for the bench's one
 * busy workspace (thousands of members in one channel, all at once); the per-member limits and the
 * running turns per member stay the shipped defaults (each conversation is its own member's). Printed.
 */
export const BENCH_QUOTAS: Record<string, string> = {
  QUOTA_TURNS_PER_HOUR: "channel=100000,workspace=100000,global=100000",
  QUOTA_GENERATIONS_PER_DAY: "channel=100000,workspace=100000,global=100000",
  QUOTA_EXPORTS_PER_DAY: "channel=100000,workspace=100000,global=100000",
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
