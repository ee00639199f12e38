import { slackErrorCode } from "../web-api/api-errors.js";

/** Errors meaning the app or workspace has no AI-app container (or the token may not use it). */
const OFF_ERRORS = new Set([
  "not_allowed_token_type",
  "unknown_method",
  "missing_scope",
  "not_allowed",
  "feature_not_enabled",
  "method_deprecated",
  "team_not_allowed",
]);

/** How long a workspace found without the container is left alone before trying again. */
const RECHECK_MS = 60 * 60_000;

/**
 * Which workspaces have Slack's AI-app container, as detected: an `assistant_thread_started` event or
 * a successful `assistant.threads.setStatus` marks one on; an error from {@link OFF_ERRORS} marks it off
 * for an hour (then it is tried again: a reinstall with the feature turns it on without a restart).
 */
export class AssistantSupport {
  private readonly off = new Map<string, number>();

  /** Whether to try the container in this workspace. */
  usable(team: string): boolean {
    const since = this.off.get(team);
    if (since === undefined) return true;
    if (Date.now() - since > RECHECK_MS) {
      this.off.delete(team);
      return true;
    }
    return false;
  }

  markOn(team: string): void {
    this.off.delete(team);
  }

  /** Records a refusal; true when it means the feature is missing (rather than a passing failure). */
  refused(team: string, error: unknown): boolean {
    const code = slackErrorCode(error);
    if (!code || !OFF_ERRORS.has(code)) return false;
    this.off.set(team, Date.now());
    return true;
  }
}
