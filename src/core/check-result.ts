export type CheckStatus = "ok" | "warn" | "fail" | "skip";

/** One line of `doctor`'s report (and of the start-up checks): what was checked, how it went, and why. */
export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
}
