import type { CheckResult, CheckStatus } from "../core/check-result.js";

const MARKS: Record<CheckStatus, string> = { ok: "✔", warn: "!", fail: "✘", skip: "-" };

/**
 * The doctor's exit codes, for scripts: 0 ready to chat; 1 a check failed (✘); 3 the backend side is
 * ready (backend, token, credits, Redis) but no chat platform is configured — fine for the console chat
 * or a worker-only host, not for a chat deployment (2 stays the CLI's usage error).
 */
export const DOCTOR_EXIT = { readyToChat: 0, failed: 1, backendReadyNoChat: 3 } as const;

export type Verdict = keyof typeof DOCTOR_EXIT;

/** The printed report: one line a check, then the verdict and its exit code. */
export function formatReport(
  results: readonly CheckResult[],
  chatPlatforms: readonly string[],
): { text: string; verdict: Verdict; exitCode: number } {
  const width = Math.max(...results.map((result) => result.name.length));
  const lines = results.map(
    (result) => `${MARKS[result.status]} ${result.name.padEnd(width)}  ${result.detail}`,
  );
  const failed = results.filter((result) => result.status === "fail").length;
  const verdict: Verdict =
    failed > 0 ? "failed" : chatPlatforms.length === 0 ? "backendReadyNoChat" : "readyToChat";
  const sentence = {
    failed: `Verdict: NOT ready — ${failed} check${failed === 1 ? "" : "s"} failed; fix the ✘ lines above.`,
    backendReadyNoChat:
      "Verdict: backend ready, NOT ready to chat — no chat platform is configured (set DISCORD_TOKEN, or " +
      "SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN); `start` in a terminal offers the console chat.",
    readyToChat: `Verdict: ready to chat — backend ready; chat platforms: ${chatPlatforms.join(", ")}.`,
  }[verdict];
  lines.push("", sentence, `(exit code ${DOCTOR_EXIT[verdict]})`);
  return { text: lines.join("\n"), verdict, exitCode: DOCTOR_EXIT[verdict] };
}
