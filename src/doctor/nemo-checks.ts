import type { Config } from "../config/config.js";
import { maskSecret } from "../config/config.js";
import type { CheckResult } from "../core/check-result.js";
import { errorCode } from "../core/error-code.js";
import { isRealNemoVideo, probeBackend } from "../core/nemo/backend-probe.js";
import type { NemoClient } from "../core/nemo/client.js";
import { bindLink } from "../core/nemo/task-link.js";
import { describeFailure } from "../core/network-failure.js";

/** Configuration, backend reachability, the token (obtained when anonymous) and credits. */
export async function nemoChecks(config: Config, client: NemoClient): Promise<CheckResult[]> {
  const results: CheckResult[] = [
    {
      name: "backend URL",
      status: "ok",
      detail: `${config.NEMO_API_URL} (${isRealNemoVideo(config.NEMO_API_URL) ? "the real NemoVideo" : "not NemoVideo: a simulator or custom URL"})`,
    },
    {
      name: "token",
      status: "ok",
      detail: config.NEMO_TOKEN
        ? `NEMO_TOKEN ${maskSecret(config.NEMO_TOKEN)}`
        : "anonymous (obtained on demand)",
    },
    {
      name: "accounts",
      status: "ok",
      detail: config.SECRETS_KEY
        ? "members may link their own NemoVideo token (/login, sealed with SECRETS_KEY)"
        : "off: SECRETS_KEY is unset, so /login says linking is not enabled",
    },
  ];
  const probe = await probeBackend(config.NEMO_API_URL);
  results.push({ name: "reachability", status: probe.reachable ? "ok" : "fail", detail: probe.detail });
  if (!probe.reachable) {
    results.push({ name: "auth", status: "skip", detail: "backend unreachable" });
    results.push({ name: "credits", status: "skip", detail: "backend unreachable" });
    return results;
  }
  const ctx = { platform: "console" as const, signal: AbortSignal.timeout(15_000) };
  try {
    await client.tokens.token();
  } catch (error) {
    results.push({ name: "auth", status: "fail", detail: `no token: ${describe(error)}` });
    results.push({ name: "credits", status: "skip", detail: "no token" });
    return results;
  }
  try {
    // An authenticated call is the only proof the token is accepted.
    const credits = await client.credits(ctx);
    results.push({
      name: "auth",
      status: "ok",
      detail: client.tokens.isOperatorToken
        ? "operator token accepted"
        : "anonymous token obtained and accepted",
    });
    results.push({
      name: "credits",
      status: credits.available > 0 ? "ok" : "warn",
      detail: `${credits.available} available, ${credits.frozen} reserved, ${credits.total} total`,
    });
    const bindId = await client.tokens.anonymousUserId();
    if (bindId) {
      // The shared anonymous account's bind link is the operator's alone: shown here, never in a chat.
      results.push({
        name: "anonymous account",
        status: "ok",
        detail: `registering with ${bindLink(config.NEMO_WEB_URL, bindId)} makes it a registered account (for the operator only: never share it)`,
      });
    }
  } catch (error) {
    const authFailed = errorCode(error) === "NEMO_AUTH";
    results.push({
      name: "auth",
      status: authFailed ? "fail" : "ok",
      detail: authFailed ? describe(error) : "token obtained (not yet proven: the credits call failed)",
    });
    results.push({
      name: "credits",
      status: authFailed ? "skip" : "fail",
      detail: authFailed ? "no accepted token" : describe(error),
    });
  }
  return results;
}

function describe(error: unknown): string {
  const code = errorCode(error);
  return `${typeof code === "string" ? `${code}: ` : ""}${describeFailure(error)}`;
}
