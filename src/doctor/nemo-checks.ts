import { request } from "undici";
import type { Config } from "../config.js";
import { maskSecret } from "../config.js";
import type { NemoClient } from "../core/nemo/client.js";
import type { CheckResult } from "./report.js";

/** Configuration, backend reachability, the token (obtained when anonymous) and credits. */
export async function nemoChecks(config: Config, client: NemoClient): Promise<CheckResult[]> {
  const results: CheckResult[] = [
    { name: "backend URL", status: "ok", detail: config.NEMO_API_URL },
    {
      name: "token",
      status: "ok",
      detail: config.NEMO_TOKEN
        ? `NEMO_TOKEN ${maskSecret(config.NEMO_TOKEN)}`
        : "anonymous (obtained on demand)",
    },
  ];
  const reach = await reachable(config.NEMO_API_URL);
  results.push(reach);
  if (reach.status === "fail") {
    results.push({ name: "auth", status: "skip", detail: "backend unreachable" });
    results.push({ name: "credits", status: "skip", detail: "backend unreachable" });
    return results;
  }
  const ctx = { platform: "console" as const, signal: AbortSignal.timeout(15_000) };
  try {
    await client.tokens.token();
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
  } catch (error) {
    const authFailed =
      (error as { code?: unknown }).code === "NEMO_AUTH" || !(error as { code?: unknown }).code;
    results.push({
      name: "auth",
      status: authFailed ? "fail" : "ok",
      detail: authFailed ? describe(error) : "token obtained",
    });
    results.push({
      name: "credits",
      status: authFailed ? "skip" : "fail",
      detail: authFailed ? "no accepted token" : describe(error),
    });
  }
  return results;
}

async function reachable(url: string): Promise<CheckResult> {
  const started = Date.now();
  try {
    const response = await request(url, { method: "GET", headersTimeout: 5_000, bodyTimeout: 5_000 });
    await response.body.dump();
    return {
      name: "reachability",
      status: "ok",
      detail: `HTTP ${response.statusCode} in ${Date.now() - started} ms`,
    };
  } catch (error) {
    return { name: "reachability", status: "fail", detail: `cannot reach ${url}: ${describe(error)}` };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
    const code = (error as { code?: unknown }).code;
    return `${typeof code === "string" ? `${code}: ` : ""}${error.message}${cause}`;
  }
  return String(error);
}
