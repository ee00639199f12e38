/**
 * The one override of the shipped defaults in every bench scenario: the per-member, channel, workspace
 * and global quotas (which would rightly refuse one bench workspace's thousands of messages) are off.
 */
export const QUOTAS_OFF: Record<string, string> = {
  QUOTA_TURNS_PER_HOUR: "user=0,channel=0,workspace=0,global=0",
  QUOTA_GENERATIONS_PER_DAY: "user=0,channel=0,workspace=0,global=0",
  QUOTA_EXPORTS_PER_DAY: "user=0,channel=0,workspace=0,global=0",
  QUOTA_QUEUED_PER_THREAD: "0",
  QUOTA_RUNNING_TURNS_PER_USER: "0",
};

/**
 * The environment every bench bot process runs with: the wiring (backend, Redis, Slack sink, ports, a
 * fresh key prefix and data directory) plus {@link QUOTAS_OFF} and the scenario's own `overrides`.
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
    ...QUOTAS_OFF,
    ...wiring.overrides,
  };
}
