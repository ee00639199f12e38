import type { App, SocketModeReceiver } from "@slack/bolt";
import type { Logger } from "../../../core/logger.js";
import { errorText } from "../web-api/api-errors.js";

type SlackEventArgs = {
  body: Record<string, unknown>;
  ack: (response?: Record<string, unknown>) => Promise<void>;
  retry_num?: number;
  retry_reason?: string;
};

/**
 * Socket Mode twin of the HTTP receiver's `processBeforeResponse`: Bolt acknowledges an event envelope
 * before its listeners run, so an event whose enqueue failed would be lost. Here the envelope is
 * acknowledged only after the listeners finished (with whatever they acked); when they fail, it is not
 * acknowledged at all, and Slack sends it again.
 */
export function ackAfterQueueing(receiver: SocketModeReceiver, app: App, logger: Logger): void {
  receiver.client.removeAllListeners("slack_event");
  receiver.client.on("slack_event", async (args: SlackEventArgs) => {
    let response: Record<string, unknown> | undefined;
    try {
      await app.processEvent({
        body: args.body,
        ack: async (payload?: unknown) => {
          response = payload as Record<string, unknown> | undefined;
        },
        ...(args.retry_num === undefined ? {} : { retryNum: args.retry_num }),
        ...(args.retry_reason === undefined ? {} : { retryReason: args.retry_reason }),
      });
    } catch (error) {
      logger.warn({ err: errorText(error) }, "slack-envelope-not-acknowledged");
      return;
    }
    await args.ack(response);
  });
}
