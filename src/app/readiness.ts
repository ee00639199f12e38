import type { Config } from "../config/config.js";
import { isSlackDistribution, type PlatformSetup, platformSetup } from "../config/platform-setup.js";
import type { CheckResult } from "../core/check-result.js";
import type { Logger } from "../core/logger.js";
import { portChecks } from "./port-checks.js";
import type { Role } from "./role.js";
import { StartupError } from "./startup-failure.js";

/**
 * One line for a platform's setup: a skip when it is off, a failure when it is half-configured, ok when
 * its variables are complete (a distributed Slack app has no SLACK_BOT_TOKEN: installs bring the tokens).
 */
function setupLine(setup: PlatformSetup): CheckResult {
  const status = setup.state === "off" ? "skip" : setup.state === "ready" ? "ok" : "fail";
  return { name: setup.platform, status, detail: setup.explanation };
}

async function discordLines(config: Config, setup: PlatformSetup): Promise<CheckResult[]> {
  if (!config.DISCORD_TOKEN) return [setupLine(setup)];
  const { discordDoctorCheck } = await import("../adapters/discord/index.js");
  return discordDoctorCheck({
    token: config.DISCORD_TOKEN,
    apiUrl: config.DISCORD_API_URL,
    shardCount: config.DISCORD_SHARD_COUNT,
    messageContent: config.DISCORD_MESSAGE_CONTENT,
  });
}

async function slackLines(config: Config, setup: PlatformSetup): Promise<CheckResult[]> {
  // A distributed app: each workspace's token comes with its install; nothing to ask Slack yet.
  if (!config.SLACK_BOT_TOKEN || isSlackDistribution(config)) return [setupLine(setup)];
  const { slackDoctorCheck } = await import("../adapters/slack/index.js");
  const lines = await slackDoctorCheck({
    botToken: config.SLACK_BOT_TOKEN,
    appToken: config.SLACK_APP_TOKEN,
    signingSecret: config.SLACK_SIGNING_SECRET,
    apiUrl: config.SLACK_API_URL,
  });
  // A bot token alone is still checked against Slack; its transport line gives way to the setup line.
  return setup.state === "ready"
    ? lines
    : [setupLine(setup), ...lines.filter((line) => line.name !== "slack transport")];
}

/**
 * The one validation of a process's setup that `doctor` and `start` both run (one truth, one verdict):
 * each chat platform's configuration and, when configured, its credentials and settings against the
 * platform itself (token, intents, scopes, transport); then the ports this role would bind. Every
 * failure names the variable to change and a value that fixes it.
 */
export async function readinessChecks(config: Config, role: Role): Promise<CheckResult[]> {
  const [discordSetup, slackSetup] = platformSetup(config) as [PlatformSetup, PlatformSetup];
  const [discord, slack, ports] = await Promise.all([
    role === "worker" ? [] : discordLines(config, discordSetup),
    role === "worker" ? [] : slackLines(config, slackSetup),
    portChecks(config, role),
  ]);
  return [...discord, ...slack, ...ports];
}

/**
 * `start`'s side of {@link readinessChecks}: prints the lines that are not ok (the doctor's marks and
 * words) and refuses to start when one failed, with those same lines.
 */
export async function assertReady(
  config: Config,
  role: Role,
  logger: Logger,
  write: (line: string) => void,
): Promise<void> {
  // The platform libraries' own warnings stay out (the lines below say the same, with the cause).
  const checks = await readinessChecks(config, role);
  const failed = checks.filter((check) => check.status === "fail");
  for (const check of checks.filter((entry) => entry.status === "warn" || entry.status === "fail")) {
    write(`  ${check.status === "fail" ? "✘" : "!"} ${check.name}: ${check.detail}`);
    logger[check.status === "fail" ? "error" : "warn"](
      { check: check.name, detail: check.detail },
      "readiness-check",
    );
  }
  if (failed.length > 0) {
    throw new StartupError(
      `not ready (the same checks as \`doctor\`): ${failed.map((check) => `${check.name}: ${check.detail}`).join("; ")}`,
    );
  }
}
