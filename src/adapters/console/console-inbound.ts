import { randomUUID } from "node:crypto";
import type { ConversationRef } from "../../core/conversation/conversation-ref.js";
import type { Attachment, Inbound, IntakePort } from "../../core/conversation/inbound.js";
import type { ConsoleMessenger } from "./console-messenger.js";

/** The conversation of a console thread. */
export function consoleRef(thread: string): ConversationRef {
  return { platform: "console", workspace: "local", channel: "console", thread };
}

/** What one line hands to the core. */
export type ConsoleInboundFields = Pick<Inbound, "text" | "action"> & { attachments?: Attachment[] };

/** Hands lines to the core as `Inbound` events without waiting for them; `settled()` waits for all. */
export interface ConsoleSender {
  send(ref: ConversationRef, fields: ConsoleInboundFields): void;
  settled(): Promise<unknown>;
}

export function createConsoleSender(options: {
  handler: IntakePort;
  messenger: ConsoleMessenger;
  user: Inbound["user"];
  locale: string;
}): ConsoleSender {
  const { handler, messenger, user, locale } = options;
  const inFlight = new Set<Promise<void>>();
  return {
    send(ref, fields) {
      const inbound: Inbound = {
        id: `console-${randomUUID()}`,
        ref,
        user,
        text: fields.text,
        attachments: fields.attachments ?? [],
        locale,
      };
      if (fields.action) inbound.action = fields.action;
      // A handler that throws instead of rejecting is caught the same way.
      const handed = new Promise<void>((resolve) => resolve(handler.handle(inbound))).catch(
        (error: unknown) => {
          messenger.print(`✘ Could not send that: ${error instanceof Error ? error.message : String(error)}`);
        },
      );
      inFlight.add(handed);
      void handed.finally(() => inFlight.delete(handed));
    },
    settled: () => Promise.allSettled([...inFlight]),
  };
}
