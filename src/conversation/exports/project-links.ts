import { parseRefKey } from "../../core/conversation/conversation-ref.js";
import type { ConversationRecord } from "../../core/conversation/conversation-store.js";
import { failureFields } from "../../core/conversation/failure-code.js";
import type { Inbound } from "../../core/conversation/inbound.js";
import type { Lang } from "../../core/conversation/language.js";
import { buttons } from "../../core/conversation/replies.js";
import type { Reply, ReplyAction, ReplyLink } from "../../core/conversation/reply.js";
import { text } from "../../core/conversation/texts.js";
import type { Logger } from "../../core/logger.js";
import type { ClaimLinks } from "../../core/nemo/claim-links.js";
import type { CallContext } from "../../core/nemo/client.js";
import { type AccountStore, accountHolderOf } from "../../store/account-store.js";
import type { ExportReference, ExportReferences } from "../../store/export-references.js";
import type { PendingExport } from "../../store/export-store.js";
import type { ClaimLinkPermission, ClaimLinkTarget } from "../policies/claim-link-permission.js";
import { deliverPrivately, type PrivateDeliveryParts } from "../private-delivery.js";
import { accountCalls } from "../thread-account.js";

/** `CLAIM_LINKS`: who sees "Open in NemoVideo" — the thread's owner only (privately), or everyone in it. */
export type ClaimLinkMode = "private" | "public";

/** What {@link ProjectLinks} works with. */
export interface ProjectLinkParts extends PrivateDeliveryParts {
  mode: ClaimLinkMode;
  claims: Pick<ClaimLinks, "link">;
  references: Pick<ExportReferences, "save" | "read">;
  permission: ClaimLinkPermission;
  accounts: Pick<AccountStore, "token">;
}

/** What the finished video's public message carries of its project: the link itself, or the button. */
interface PublicPart {
  links: ReplyLink[];
  actions: ReplyAction[];
}

/**
 * "Open in NemoVideo" for finished exports. A claim link lets whoever opens it take the project, so by
 * default (`CLAIM_LINKS=private`) it is never posted in the thread: the video's message carries a
 * "Get my NemoVideo link" button, the link goes privately to the thread's owner when the export
 * finishes, and a click (or `/history`) hands a fresh one to whoever the {@link ClaimLinkPermission}
 * allows. Every link is a fresh claim token; the bot keeps only the export's reference
 * ({@link ExportReference}), never a token.
 */
export class ProjectLinks {
  constructor(private readonly parts: ProjectLinkParts) {}

  /**
   * What the finished video's message shows of its project, and the reference kept for later links
   * (undefined without a session). `ctx` is the thread's call context (the account that owns the session).
   */
  async forFinished(
    record: Pick<PendingExport, "id" | "refKey" | "userId" | "lang">,
    session: ConversationRecord | undefined,
    ctx: CallContext,
    log: Pick<Logger, "warn">,
  ): Promise<PublicPart & { reference?: ExportReference | undefined }> {
    if (!session) return { links: [], actions: [] };
    const reference: ExportReference = {
      refKey: record.refKey,
      sessionId: session.sessionId,
      taskId: session.taskId,
      account: session.account,
      userId: record.userId,
    };
    await this.parts.references
      .save(record.id, reference)
      .catch((error: unknown) => log.warn({ err: String(error) }, "export-reference-failed"));
    if (this.parts.mode === "private") {
      return { links: [], actions: buttons(record.lang, ["project_link"], record.id), reference };
    }
    const link = await this.linkOf(reference, record.lang, ctx, log);
    return { links: link ? [link] : [], actions: [], reference };
  }

  /** Private mode: the thread's owner gets the finished export's link privately (nobody else). */
  async handOver(reference: ExportReference, lang: Lang, ctx: CallContext, log: Logger): Promise<void> {
    if (this.parts.mode !== "private") return;
    const ref = parseRefKey(reference.refKey);
    const userId = await this.parts.permission.recipient(claimTarget(reference));
    if (!userId) return;
    const link = await this.linkOf(reference, lang, ctx, log);
    if (!link) return;
    const told = await deliverPrivately(this.parts, { ref, userId }, this.note(lang, link));
    log.info({ told }, "project-link-handed-over");
  }

  /**
   * A fresh link of an export for `user`, when they may have it: "refused" when not, "gone" when the
   * export's reference expired. Rejects when the backend refuses the claim token.
   */
  async freshFor(
    exportId: string,
    user: Inbound["user"],
    lang: Lang,
  ): Promise<{ reference: ExportReference; link: ReplyLink } | "refused" | "gone"> {
    const reference = await this.parts.references.read(exportId);
    if (!reference) return "gone";
    if (!(await this.parts.permission.mayGetClaimLink(claimTarget(reference), user))) return "refused";
    const url = await this.parts.claims.link(await this.contextOf(reference), reference);
    return { reference, link: { label: text(lang, "task_link_label"), url } };
  }

  /** The private message carrying a link. */
  note(lang: Lang, link: ReplyLink): Reply {
    return { text: text(lang, "project_link_note"), links: [link] };
  }

  /**
   * The call context of the account that owns the export's session (the bot's when none). An account no
   * longer linked, or whose token no configured key opens, stops with `NEMO_AUTH` (as a thread's calls do).
   */
  private contextOf(reference: ExportReference): Promise<CallContext> {
    const { platform } = parseRefKey(reference.refKey);
    const gone = "the account of this project is no longer linked";
    return accountCalls(this.parts.accounts, platform, reference.account, gone);
  }

  /** The link, or undefined (logged) when the backend gives no claim token: the video matters more. */
  private async linkOf(
    reference: ExportReference,
    lang: Lang,
    ctx: CallContext,
    log: Pick<Logger, "warn">,
  ): Promise<ReplyLink | undefined> {
    try {
      return { label: text(lang, "task_link_label"), url: await this.parts.claims.link(ctx, reference) };
    } catch (error) {
      log.warn({ ...failureFields(error) }, "claim-link-failed");
      return undefined;
    }
  }
}

/** Whose project an export is: the linked account's holder when the session is theirs. */
function claimTarget(reference: ExportReference): ClaimLinkTarget {
  const holder = reference.account === undefined ? undefined : accountHolderOf(reference.account);
  return { ref: parseRefKey(reference.refKey), askedBy: reference.userId, accountHolder: holder };
}
