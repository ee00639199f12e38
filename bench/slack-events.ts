import { Agent, request } from "undici";
import { slackSignature } from "../test/fakes/slack/signed-request.js";

/** Sends Slack events to the gateway as Slack does (signed HTTP POSTs) and times each acknowledgement. */
export class SlackEventSender {
  private readonly agent = new Agent({ connections: 2_000, pipelining: 1 });
  private counter = 0;
  /** Who started each thread: each new conversation is its own member's, and its replies are theirs too. */
  private readonly starterOf = new Map<string, string>();

  constructor(
    private readonly eventsUrl: string,
    private readonly signingSecret: string,
    private readonly botUserId: string,
  ) {}

  /**
   * An `app_mention` starting a thread (by a member of its own: the per-member limits apply as shipped); resolves to the thread id (the mention's ts), when it was sent
   * (performance.now()) and how long the HTTP acknowledgement took, with its status.
   */
  async mention(
    text: string,
    inThread?: string,
  ): Promise<{ thread: string; sentAt: number; ackMs: number; status: number; body: string }> {
    const n = ++this.counter;
    const ts = `1700000000.${String(n).padStart(6, "0")}`;
    const thread = inThread ?? ts;
    const user = (inThread && this.starterOf.get(inThread)) || `UBENCH${n}`;
    if (!inThread) this.starterOf.set(thread, user);
    const body = JSON.stringify({
      type: "event_callback",
      team_id: "TBENCH",
      api_app_id: "ABENCH",
      event_id: `EvBench${process.pid}x${n}`,
      event_time: Math.floor(Date.now() / 1000),
      event: {
        type: "app_mention",
        user,
        text: `<@${this.botUserId}> ${text}`,
        ts,
        channel: "CBENCH",
        event_ts: ts,
        ...(inThread ? { thread_ts: inThread } : {}),
      },
      authorizations: [{ team_id: "TBENCH", user_id: this.botUserId, is_bot: true }],
    });
    const sentAt = performance.now();
    let status = await this.post(body);
    const ackMs = performance.now() - sentAt;
    // Like Slack: an event without a 2xx is sent again (Slack waits longer; the bench 1 s), up to 3 times.
    for (let retry = 1; status >= 300 && retry <= 3; retry++) {
      this.retries++;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      status = await this.post(body, retry);
    }
    return { thread, sentAt, ackMs, status, body };
  }

  /**
   * Slack's re-deliveries of an event already acknowledged (`X-Slack-Retry-Num: 1`), `times` at once:
   * the gateway verifies, parses and deduplicates each one and queues nothing. Resolves to the count
   * not answered 200.
   */
  async redeliver(sent: { body: string }, times: number): Promise<number> {
    const statuses = await Promise.all(Array.from({ length: times }, () => this.post(sent.body, 1)));
    return statuses.filter((status) => status !== 200).length;
  }

  /** Events re-sent because the first POST got no 2xx. */
  retries = 0;

  private async post(body: string, retryNum?: number): Promise<number> {
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await request(this.eventsUrl, {
      method: "POST",
      dispatcher: this.agent,
      headers: {
        "content-type": "application/json",
        "x-slack-request-timestamp": String(timestamp),
        "x-slack-signature": slackSignature(this.signingSecret, timestamp, body),
        ...(retryNum === undefined
          ? {}
          : { "x-slack-retry-num": String(retryNum), "x-slack-retry-reason": "http_error" }),
      },
      body,
    });
    await response.body.dump();
    return response.statusCode;
  }

  /** A mention inside an existing thread of the bot. */
  reply(thread: string, text: string) {
    return this.mention(text, thread);
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
