import { type ConversationRef, parseRefKey, refKey } from "../core/conversation/conversation-ref.js";
import type { Inbound } from "../core/conversation/inbound.js";
import type { LiveTurn } from "../core/conversation/messenger.js";
import type { ActionKind, Reply, ReplyAction } from "../core/conversation/reply.js";
import type { Logger } from "../core/logger.js";
import type { PrivateButton, PrivateButtons } from "../store/private-buttons.js";
import type { Outbox } from "./outbox.js";

/** The outbox calls of a job that a private route redirects. */
export type PrivateOutboxInner = Pick<Outbox, "post" | "editOrPost" | "deliverLater">;

/** One private job: its thread, the sender's DM (conversation keys), and the sender. */
export interface PrivateJob {
  thread: string;
  privateTo: string;
  userId?: string | undefined;
}

/** The argument of a button in a private copy: this prefix and the token of its binding. */
const PRIVATE_ARG = "pv:";

/**
 * Buttons a private copy keeps: those about one message or export (their argument names it), bound to
 * the thread and member. The others (Export, Timeline, Credits, New…) act on "the conversation they
 * are in" and are left out: the member types in the thread instead (its answer comes privately too).
 */
const KEPT: ReadonlySet<ActionKind> = new Set(["cancel", "retry", "continue", "drop", "project_link"]);

/**
 * The outbox of one private job: what it sends to its thread goes to the sender's DM, as a private copy
 * (buttons bound to thread and member, see {@link PrivateButtons}); no live surface (the edited
 * progress message in the DM instead).
 */
export class PrivateOutbox implements PrivateOutboxInner, Pick<Outbox, "liveTurn"> {
  private readonly to: ConversationRef;
  /** Tokens of the buttons this job kept already (a progress message is edited many times). */
  private readonly kept = new Map<string, Promise<string>>();

  constructor(
    private readonly inner: PrivateOutboxInner,
    private readonly job: PrivateJob,
    private readonly buttons?: Pick<PrivateButtons, "keep"> | undefined,
  ) {
    this.to = parseRefKey(job.privateTo);
  }

  async post(
    ref: ConversationRef,
    reply: Reply,
    options?: { durable?: boolean },
  ): Promise<string | undefined> {
    const [target, copy] = await this.route(ref, reply);
    return this.inner.post(target, copy, options);
  }

  async editOrPost(
    ref: ConversationRef,
    messageId: string | undefined,
    reply: Reply,
    options?: Parameters<PrivateOutboxInner["editOrPost"]>[3],
  ): Promise<string | undefined> {
    const [target, copy] = await this.route(ref, reply);
    return this.inner.editOrPost(target, messageId, copy, options);
  }

  async deliverLater(ref: ConversationRef, messageId: string | undefined, reply: Reply, id: string) {
    const [target, copy] = await this.route(ref, reply);
    return this.inner.deliverLater(target, messageId, copy, id);
  }

  liveTurn(): LiveTurn | undefined {
    return undefined;
  }

  private async route(ref: ConversationRef, reply: Reply): Promise<[ConversationRef, Reply]> {
    if (refKey(ref) !== this.job.thread) return [ref, reply];
    return [this.to, await this.copy(reply)];
  }

  private async copy(reply: Reply): Promise<Reply> {
    // Quick replies would act on the DM's own conversation: the member answers in the thread instead.
    if (!reply.actions && !reply.choices) return reply;
    const { buttons, job } = this;
    const { userId } = job;
    const kept = (reply.actions ?? []).filter((action) => KEPT.has(action.kind) && action.arg);
    const actions: ReplyAction[] =
      buttons && userId
        ? await Promise.all(
            kept.map(async ({ kind, label, arg }) => {
              const button = { thread: job.thread, userId, dm: job.privateTo, kind, arg: arg! };
              return { kind, label, arg: `${PRIVATE_ARG}${await this.keep(button)}` };
            }),
          )
        : [];
    return { ...reply, actions: actions.length > 0 ? actions : undefined, choices: undefined };
  }

  /** The button's token, kept in Redis once per job (a failed write is tried again next time). */
  private keep(button: PrivateButton): Promise<string> {
    const key = `${button.kind}:${button.arg}`;
    let token = this.kept.get(key);
    if (!token) {
      token = this.buttons!.keep(button);
      token.catch(() => this.kept.delete(key));
      this.kept.set(key, token);
    }
    return token;
  }
}

/** The outbox of a job of the thread: `outbox` itself, or its private route when it has a DM. */
export function routedOutbox<T extends PrivateOutboxInner>(
  outbox: T,
  job: { refKey: string; privateTo?: string | undefined; userId?: string | undefined },
  buttons?: Pick<PrivateButtons, "keep"> | undefined,
): T | PrivateOutbox {
  if (!job.privateTo) return outbox;
  const { refKey: thread, privateTo, userId } = job;
  return new PrivateOutbox(outbox, { thread, privateTo, userId }, buttons);
}

/**
 * A click on a button of a private copy, as the thread's own: the thread and the action's argument its
 * token names — only in the DM it was posted to, by the member it was for, for the action it was.
 * Anything else (another member, another place, a typed or expired token) keeps its unknown argument,
 * which every handler refuses as it refuses any unknown id.
 */
export async function privateClick(
  inbound: Inbound,
  buttons: Pick<PrivateButtons, "read">,
  logger: Pick<Logger, "info">,
): Promise<Inbound> {
  const action = inbound.action;
  if (!action?.arg?.startsWith(PRIVATE_ARG)) return inbound;
  const button = await buttons.read(action.arg.slice(PRIVATE_ARG.length));
  const dm = button ? parseRefKey(button.dm) : undefined;
  const bound =
    button !== undefined &&
    dm !== undefined &&
    button.userId === inbound.user.id &&
    button.kind === action.kind &&
    dm.platform === inbound.ref.platform &&
    dm.channel === inbound.ref.channel;
  if (!bound) {
    logger.info({ trace: inbound.id, kind: action.kind }, "private-click-refused");
    return inbound;
  }
  return { ...inbound, ref: parseRefKey(button.thread), action: { kind: action.kind, arg: button.arg } };
}
