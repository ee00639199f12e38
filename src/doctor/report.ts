export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
}

const MARKS: Record<CheckStatus, string> = { ok: "✔", warn: "!", fail: "✘", skip: "-" };

/** The printed report: one line a check, then the verdict. Red when any check failed. */
export function formatReport(results: readonly CheckResult[]): { text: string; healthy: boolean } {
  const healthy = results.every((result) => result.status !== "fail");
  const width = Math.max(...results.map((result) => result.name.length));
  const lines = results.map(
    (result) => `${MARKS[result.status]} ${result.name.padEnd(width)}  ${result.detail}`,
  );
  const failed = results.filter((result) => result.status === "fail").length;
  lines.push(
    "",
    healthy
      ? "Verdict: ready (all checks passed)."
      : `Verdict: NOT ready — ${failed} check${failed === 1 ? "" : "s"} failed; fix the ✘ lines above.`,
  );
  return { text: lines.join("\n"), healthy };
}
