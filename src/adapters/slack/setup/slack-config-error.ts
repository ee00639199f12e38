/** The Slack adapter cannot run with the settings it was given (missing or wrong token or secret). */
export class SlackConfigError extends Error {
  /** Stable code to match on across process boundaries. */
  readonly code = "SLACK_CONFIG";

  constructor(message: string) {
    super(message);
    this.name = "SlackConfigError";
  }
}
