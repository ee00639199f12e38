/** A Slack delivery the messenger itself refuses (not an API error). */
export class SlackMessengerError extends Error {
  /** Stable code to match on across process boundaries. */
  readonly code = "SLACK_MESSENGER";

  constructor(message: string) {
    super(message);
    this.name = "SlackMessengerError";
  }
}
