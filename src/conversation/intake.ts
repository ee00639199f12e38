import { type ConversationRef, refKey } from "../core/conversation/conversation-ref.js";
import type { Inbound, IntakePort } from "../core/conversation/inbound.js";
import { hashMoveCode } from "../core/conversation/move-code.js";
import { type Intent, routeInbound } from "../core/conversation/router.js";
import type { SessionManager } from "../core/conversation/session-manager.js";
import type { Logger } from "../core/logger.js";
import type { AccountStore } from "../store/account-store.js";
import type { PrivateButtons } from "../store/private-buttons.js";
import { privateClick } from "./private-outbox.js";
import type { QueueOnce } from "./queue-once.js";

/** What the intake needs: the once-only queueing step, the sessions, the log. */
export interface IntakeParts {
  queue: Pick<QueueOnce, "event" | "command">;
  sessions: Pick<SessionManager, "find">;
  logger: Logger;
  /** Seals a token sent with `/login` before it is queued (no key: the token is dropped here). */
  accounts?: Pick<AccountStore, "sealFor"> | undefined;
  /** Private mode: a click in a DM copy acts on its thread, for its member only (private-outbox.ts). */
  privateButtons?: Pick<PrivateButtons, "read"> | undefined;
}

/**
 * The intake, every adapter's one entry point. It does Redis work only — route (no I/O), then
 * deduplicate and queue each piece of work in one idempotent step — so a platform is acknowledged only
 * for what is durably queued, and a replay of the same event (Slack retry, Discord RESUME) queues
 * nothing twice. Everything the user sees (the queued note, answers to commands, a Slack `/nemo`
 * parent message) is posted afterwards by workers. Throws when the work could not be queued: the
 * adapter then answers the platform with an error, so the platform sends the event again.
 */
export class Intake implements IntakePort {
  constructor(private readonly parts: IntakeParts) {}

  async handle(clicked: Inbound): Promise<void> {
    const { privateButtons, logger } = this.parts;
    const inbound = privateButtons ? await privateClick(clicked, privateButtons, logger) : clicked;
    const intent = routeInbound(inbound);
    this.parts.logger.info(
      { thread: refKey(inbound.ref), trace: inbound.id, intent: intent.kind },
      "inbound",
    );
    const secret = withoutSecrets(inbound, intent, this.parts.accounts);
    if (secret) return this.parts.queue.command(secret.inbound, secret.intent);
    await this.parts.queue.event(inbound, intent);
  }

  async isConversation(ref: ConversationRef): Promise<boolean> {
    return (await this.parts.sessions.find(ref)) !== undefined;
  }
}

/**
 * A message that looks like a token, a `/login` and a continue code never reach a queue with their
 * secret: the pasted text is dropped (its command only warns), a login's token is sealed with
 * `SECRETS_KEY` for its command (`login:<inbound id>`), or dropped when there is no key, and a continue
 * code goes as its SHA-256 (`sha256:<hex>`; its command may still open a thread for it).
 */
function withoutSecrets(
  inbound: Inbound,
  intent: Intent,
  accounts: IntakeParts["accounts"],
): { inbound: Inbound; intent: Intent } | undefined {
  if (intent.kind === "move_here") {
    const coded: Inbound = { ...inbound, text: "", attachments: [], action: undefined };
    return { inbound: coded, intent: { kind: "move_here", arg: hashMoveCode(intent.arg ?? "") } };
  }
  if (intent.kind !== "token_pasted" && intent.kind !== "login") return undefined;
  const bare: Inbound = { ...inbound, text: "", attachments: [], newThread: false, action: undefined };
  if (intent.kind === "token_pasted") return { inbound: bare, intent };
  const sealed = intent.arg ? accounts?.sealFor(`login:${inbound.id}`, intent.arg) : undefined;
  return { inbound: bare, intent: sealed ? { kind: "login", arg: sealed } : { kind: "login" } };
}
