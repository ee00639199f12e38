import { WebClient } from "@slack/web-api";
import type { CheckResult } from "../../../core/check-result.js";
import { type Logger, silentLogger } from "../../../core/logger.js";
import { describeFailure } from "../../../core/network-failure.js";
import { tokenFailureText } from "../web-api/api-errors.js";
import { slackLogger } from "../web-api/bolt-logger.js";
import { slackApiUrl } from "../web-api/web-client.js";

/** The bot scopes the adapter uses — exactly those in `slack/manifest.yml`. */
export const SLACK_BOT_SCOPES = [
  "commands",
  "app_mentions:read",
  "chat:write",
  "channels:history",
  "groups:history",
  "im:history",
  "files:read",
  "files:write",
  "users:read",
  "assistant:write",
] as const;

/** Settings of {@link slackDoctorCheck} (the `SLACK_*` variables). */
export interface SlackDoctorOptions {
  botToken?: string | undefined;
  /** Where the Web API client's own warnings go; none by default (no library noise on the terminal). */
  logger?: Logger | undefined;
  appToken?: string | undefined;
  signingSecret?: string | undefined;
  apiUrl?: string | undefined;
}

/**
 * The doctor's Slack lines: `slack auth` (`auth.test`: team and bot user; missing scopes), `slack
 * transport` (Socket Mode when an app token is set — it wins over the signing secret — else HTTP at
 * `/slack/events`) and, for Socket Mode, `slack app token` (`apps.connections.open`). No bot token → one
 * `skip` line. Never prints a token or the secret.
 */
export async function slackDoctorCheck(options: SlackDoctorOptions): Promise<CheckResult[]> {
  if (!options.botToken) return [{ name: "slack", status: "skip", detail: "SLACK_BOT_TOKEN not set" }];
  const url = slackApiUrl(options.apiUrl);
  const clientOptions = {
    ...(url ? { slackApiUrl: url } : {}),
    timeout: 10_000,
    retryConfig: { retries: 0 },
    logger: slackLogger(options.logger ?? silentLogger()),
  };
  const results: CheckResult[] = [
    await authCheck(new WebClient(options.botToken, clientOptions), options.botToken),
  ];
  results.push(transportCheck(options));
  if (options.appToken)
    results.push(await appTokenCheck(new WebClient(options.appToken, clientOptions), options.appToken));
  return results;
}

async function authCheck(client: WebClient, token: string): Promise<CheckResult> {
  const name = "slack auth";
  const kind = token.startsWith("xoxb-") ? "" : " (SLACK_BOT_TOKEN should be a bot token, xoxb-…)";
  try {
    const auth = await client.auth.test();
    const granted = auth.response_metadata?.scopes;
    const missing = granted ? SLACK_BOT_SCOPES.filter((scope) => !granted.includes(scope)) : [];
    const who = `team ${auth.team ?? "?"} (${auth.team_id ?? "?"}), bot @${auth.user ?? "?"} (${auth.user_id ?? "?"})`;
    if (missing.length > 0) {
      return {
        name,
        status: "fail",
        detail: `${who}; missing scopes: ${missing.join(", ")} — reinstall the app from slack/manifest.yml`,
      };
    }
    return { name, status: kind ? "warn" : "ok", detail: `${who}${kind}` };
  } catch (error) {
    return {
      name,
      status: "fail",
      detail: `auth.test failed: ${tokenFailureText(error, "SLACK_BOT_TOKEN", describeFailure)}${kind}`,
    };
  }
}

function transportCheck(options: SlackDoctorOptions): CheckResult {
  const name = "slack transport";
  if (options.appToken) {
    const both = options.signingSecret
      ? "; SLACK_SIGNING_SECRET is set too and is not used (Socket Mode wins)"
      : "";
    return { name, status: "ok", detail: `Socket Mode (SLACK_APP_TOKEN)${both}` };
  }
  if (options.signingSecret) {
    return {
      name,
      status: "ok",
      detail: "HTTP: Slack must reach https://YOUR-HOST/slack/events (SLACK_SIGNING_SECRET)",
    };
  }
  return {
    name,
    status: "fail",
    detail: "set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)",
  };
}

async function appTokenCheck(client: WebClient, token: string): Promise<CheckResult> {
  const name = "slack app token";
  if (!token.startsWith("xapp-")) {
    return { name, status: "fail", detail: "SLACK_APP_TOKEN should be an app-level token (xapp-…)" };
  }
  try {
    await client.apps.connections.open();
    return {
      name,
      status: "ok",
      detail: "apps.connections.open accepted the app token (Socket Mode enabled)",
    };
  } catch (error) {
    return {
      name,
      status: "fail",
      detail: `apps.connections.open failed: ${appTokenFailure(error)}`,
    };
  }
}

function appTokenFailure(error: unknown): string {
  const text = tokenFailureText(error, "SLACK_APP_TOKEN", describeFailure);
  return text.startsWith("Slack rejected")
    ? text
    : `${text} — enable Socket Mode and give the token connections:write`;
}
