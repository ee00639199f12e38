import { type ConversationRef, parseRefKey, refKey } from "../core/conversation/conversation-ref.js";
import type { Lang } from "../core/conversation/language.js";
import type { LiveTurn, Messengers } from "../core/conversation/messenger.js";
import { isDirectMessage } from "../core/conversation/place.js";
import type { Reply } from "../core/conversation/reply.js";
import { text } from "../core/conversation/texts.js";
import type { Logger } from "../core/logger.js";
import type { SettingsStore } from "../store/settings-store.js";
import type { Outbox } from "./outbox.js";

/**
 * Where one job's messages go: the thread (`public`), the sender's DM (`private`, `to` the DM as a
 * conversation), or nowhere because private mode is on and the DM cannot be reached (`unreachable`:
 * the job is not run, the thread was told without content).
 */
export type PrivateRoute =
  | { kind: "public" }
  | { kind: "private"; to: ConversationRef }
  | { kind: "unreachable" };

const PUBLIC: PrivateRoute = { kind: "public" };

/** What private mode works with. */
export interface PrivateModeParts {
  settings: Pick<SettingsStore, "effective">;
  messengers: Messengers;
  outbox: Pick<Outbox, Exclude<RoutedMethods, "liveTurn">>;
  logger: Logger;
}

/** The sender of a job, in its thread. */
export interface PrivateSender {
  refKey: string;
  userId?: string | undefined;
  lang: Lang;
}

/**
 * Private mode (`privateResults` in a member's settings, unless the place forbids it): decided once per
 * job, when a worker first takes it. A private job's every message (acknowledgement, progress, the
 * credits guard's question, answer, video, links) goes to the sender's DM with the bot or app; the
 * thread gets one short note without content. A DM that cannot be opened never makes the job public:
 * the thread is told (no content) and the job is not run. A DM conversation is private already; the
 * console has no private place (it says so and stays as it is).
 */
export class PrivateMode {
  constructor(private readonly parts: PrivateModeParts) {}

  async decide(sender: PrivateSender): Promise<PrivateRoute> {
    const { userId } = sender;
    const ref = parseRefKey(sender.refKey);
    if (!userId || isDirectMessage(ref)) return PUBLIC;
    const { privateResults } = await this.parts.settings.effective(ref, userId);
    if (!privateResults) return PUBLIC;
    const messenger = this.parts.messengers[ref.platform];
    if (!messenger?.openDirect) {
      await this.parts.outbox.post(ref, { text: text(sender.lang, "private_console") });
      return PUBLIC;
    }
    try {
      const to = await messenger.openDirect(ref, userId, { text: text(sender.lang, "private_dm_opener") });
      await this.parts.outbox.post(ref, { text: text(sender.lang, "private_note") });
      return { kind: "private", to };
    } catch (error) {
      this.parts.logger.info({ thread: sender.refKey, err: String(error) }, "private-dm-unreachable");
      await this.parts.outbox.post(ref, { text: text(sender.lang, "private_dm_unreachable"), tone: "error" });
      return { kind: "unreachable" };
    }
  }

  /** The outbox of a private job of the thread `refKeyOfThread`, whose messages go to `privateTo`. */
  outboxFor(refKeyOfThread: string, privateTo: string): PrivateOutbox {
    return new PrivateOutbox(this.parts.outbox, parseRefKey(refKeyOfThread), parseRefKey(privateTo));
  }
}

/**
 * The private copy of a reply: without buttons. A button in the DM would act on the DM's own
 * conversation, not the thread's project (and Retry, Cancel and Export there are bound to their thread
 * and refuse anyway); the member types in the thread instead (its answer comes privately too).
 */
export function privateCopy(reply: Reply): Reply {
  return reply.actions ? { ...reply, actions: undefined } : reply;
}

type RoutedMethods = "post" | "editOrPost" | "deliverLater" | "liveTurn";

/**
 * The outbox of one private job: what it sends to its thread (`from`) goes to the sender's DM (`to`),
 * as a private copy; no live surface (the edited progress message in the DM instead).
 */
export class PrivateOutbox implements Pick<Outbox, RoutedMethods> {
  private readonly fromKey: string;

  constructor(
    private readonly inner: Pick<Outbox, Exclude<RoutedMethods, "liveTurn">>,
    from: ConversationRef,
    private readonly to: ConversationRef,
  ) {
    this.fromKey = refKey(from);
  }

  post(ref: ConversationRef, reply: Reply, options?: { durable?: boolean }): Promise<string | undefined> {
    const [target, copy] = this.route(ref, reply);
    return this.inner.post(target, copy, options);
  }

  editOrPost(
    ref: ConversationRef,
    messageId: string | undefined,
    reply: Reply,
    options?: { durable?: boolean },
  ): Promise<string | undefined> {
    const [target, copy] = this.route(ref, reply);
    return this.inner.editOrPost(target, messageId, copy, options);
  }

  deliverLater(ref: ConversationRef, messageId: string | undefined, reply: Reply, id: string): Promise<void> {
    const [target, copy] = this.route(ref, reply);
    return this.inner.deliverLater(target, messageId, copy, id);
  }

  liveTurn(): LiveTurn | undefined {
    return undefined;
  }

  private route(ref: ConversationRef, reply: Reply): [ConversationRef, Reply] {
    return refKey(ref) === this.fromKey ? [this.to, privateCopy(reply)] : [ref, reply];
  }
}

/** The outbox of a job of the thread `thread`: `outbox` itself, or its private route to `privateTo`. */
export function routedOutbox<T extends Pick<Outbox, Exclude<RoutedMethods, "liveTurn">>>(
  outbox: T,
  thread: string,
  privateTo: string | undefined,
): T | PrivateOutbox {
  return privateTo ? new PrivateOutbox(outbox, parseRefKey(thread), parseRefKey(privateTo)) : outbox;
}
