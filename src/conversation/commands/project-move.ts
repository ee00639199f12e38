import { type ConversationRef, parseRefKey, refKey } from "../../core/conversation/conversation-ref.js";
import type { ConversationRecord } from "../../core/conversation/conversation-store.js";
import type { Inbound } from "../../core/conversation/inbound.js";
import type { Lang } from "../../core/conversation/language.js";
import { hashMoveCode, moveCodeDigest, newMoveCode } from "../../core/conversation/move-code.js";
import { placeKindOf } from "../../core/conversation/place.js";
import type { Reply, ReplyAction } from "../../core/conversation/reply.js";
import type { SessionManager } from "../../core/conversation/session-manager.js";
import { type TextKey, text } from "../../core/conversation/texts.js";
import { accountHolderOf } from "../../store/account-store.js";
import type { ExportRecord } from "../../store/export-history.js";
import type { ExportReferences } from "../../store/export-references.js";
import { type MoveOutcome, type ProjectMoves, ticketOf } from "../../store/project-moves.js";
import type { ThreadOwners } from "../../store/thread-owners.js";
import type { Permissions } from "../policies/permissions.js";
import type { Answers, CommandHandler } from "./answers.js";
import { openThread, type ThreadOpeningParts, tellThreadOpenFailed } from "./thread-opening.js";

/** What moving a project takes. */
export interface ProjectMoveParts extends ThreadOpeningParts {
  sessions: Pick<SessionManager, "find">;
  permissions: Pick<Permissions, "may">;
  owners: Pick<ThreadOwners, "owner" | "claim">;
  moves: Pick<ProjectMoves, "issue" | "revoke" | "take" | "throttled" | "wrongTry" | "move">;
  exportReferences: Pick<ExportReferences, "read">;
  outbox: { post(ref: ConversationRef, reply: Reply): Promise<string | undefined> };
}

/**
 * Whose project a thread's is: the holder of the linked account it runs on (when that account is of
 * this platform: nobody else may move what spends it), else the thread's owner.
 */
async function projectOwner(
  parts: ProjectMoveParts,
  ref: ConversationRef,
  record: ConversationRecord,
): Promise<string | undefined> {
  if (record.account?.startsWith(`${ref.platform}:`)) return accountHolderOf(record.account);
  return parts.owners.owner(ref);
}

/** Whether the sender may move the thread's project elsewhere (`continue-code`: their own, or an operator). */
async function mayMove(
  parts: ProjectMoveParts,
  ref: ConversationRef,
  user: Inbound["user"],
  record: ConversationRecord,
): Promise<boolean> {
  return parts.permissions.may("continue-code", ref, user, await projectOwner(parts, ref, record));
}

/**
 * `/continue` or "Get a continue code": a one-time code for the thread's project, to its owner only
 * (privately: a code is a key to the project). Stored as its SHA-256, never in clear, never logged.
 */
export function moveCodeCommand(parts: ProjectMoveParts): CommandHandler {
  return async ({ inbound, lang, answer }) => {
    const record = await parts.sessions.find(inbound.ref);
    if (!record) return answer.tell({ text: text(lang, "move_nothing") });
    if (!(await mayMove(parts, inbound.ref, inbound.user, record)))
      return answer.refuse("move_not_yours", "move-refused-not-owner", undefined, "move_code");
    const code = newMoveCode();
    const digest = moveCodeDigest(hashMoveCode(code))!;
    await parts.moves.issue(digest, ticketOf(inbound.ref, record, inbound.user.id));
    const told = await answer.onlyToSender({ text: text(lang, "move_code_issued", { code }) });
    parts.logger.info(
      { thread: refKey(inbound.ref), trace: inbound.id, user: inbound.user.id, told },
      "move-code-issued",
    );
    if (told) return;
    await parts.moves.revoke(digest);
    await answer.say("move_code_private_failed");
  };
}

/**
 * `/continue CODE`: binds the code's project to this thread (or to a thread opened for it, when the
 * command came in a channel) — `continue-here` in the target place, the code taken once, wrong codes
 * counted against the member.
 */
export function moveHereCommand(parts: ProjectMoveParts): CommandHandler {
  return async ({ inbound, intent, lang, answer }) => {
    const { platform } = inbound.ref;
    const userId = inbound.user.id;
    if (await parts.moves.throttled(platform, userId))
      return answer.refuse("move_code_throttled", "move-code-throttled", undefined, "move_here");
    if (!(await parts.permissions.may("continue-here", inbound.ref, inbound.user)))
      return answer.refuseNotOwner("move_here");
    const digest = moveCodeDigest(intent.kind === "move_here" ? intent.arg : undefined);
    const ticket = digest ? await parts.moves.take(digest) : undefined;
    if (!ticket) {
      await parts.moves.wrongTry(platform, userId);
      return answer.refuse("move_code_wrong", "move-code-wrong", undefined, "move_here");
    }
    // The code is spent either way: a thread that cannot be opened (the bot is not in the channel) is
    // told privately, and the owner asks for a new code.
    const target = inbound.newThread
      ? await openFor(parts, inbound, lang).catch(async (error: unknown) => {
          await tellThreadOpenFailed(parts, inbound, error);
          return undefined;
        })
      : inbound.ref;
    if (!target) return;
    await finishMove(
      parts,
      { inbound, lang, answer },
      { source: ticket.source, sessionId: ticket.sessionId, target },
    );
  };
}

/**
 * "Continue in a new thread": the project of the clicked thread (or of a `/history` entry: arg = its
 * export id) in a new thread of the same channel, for its owner or an operator (`continue-code`).
 */
export function moveThreadCommand(parts: ProjectMoveParts): CommandHandler {
  return async ({ inbound, intent, lang, answer }) => {
    const exportId = intent.kind === "move_thread" ? intent.arg : undefined;
    const reference = exportId ? await parts.exportReferences.read(exportId) : undefined;
    if (exportId && !reference) return answer.tell({ text: text(lang, "project_link_gone") });
    const source = reference ? parseRefKey(reference.refKey) : inbound.ref;
    const record = await parts.sessions.find(source);
    if (source.platform !== inbound.ref.platform || !record)
      return answer.tell({ text: text(lang, "move_nothing") });
    if (reference && reference.sessionId !== record.sessionId)
      return answer.tell({ text: text(lang, "move_stale") });
    if (!(await mayMove(parts, source, inbound.user, record)))
      return answer.refuse("move_not_yours", "move-refused-not-owner", exportId, "move_thread");
    // A place without threads (a Discord DM) or that refuses one: the member can still use a code.
    const target = await openFor(parts, { ...inbound, ref: { ...source, thread: "" } }, lang).catch(
      (error: unknown) => {
        parts.logger.info({ thread: refKey(source), err: String(error) }, "move-thread-open-failed");
        return undefined;
      },
    );
    if (!target) return answer.tell({ text: text(lang, "move_no_thread") });
    await finishMove(
      parts,
      { inbound, lang, answer },
      { source: refKey(source), sessionId: record.sessionId, target },
    );
  };
}

/** A new thread in the channel of `inbound.ref`, opened once per event (a retried job finds it again). */
function openFor(parts: ProjectMoveParts, inbound: Inbound, lang: Lang): Promise<ConversationRef> {
  return openThread(parts, { ...inbound, text: text(lang, "move_opener") });
}

/** Projects of the history offered "Continue in a new thread" at most (one button each). */
const HISTORY_MOVES = 5;

/** "➡️ Continue <title> in a new thread" for the newest exports of a `/history` (arg = the export's id). */
export function historyMoveActions(lang: Lang, records: readonly ExportRecord[]): ReplyAction[] {
  const seen = new Set<string>();
  const actions: ReplyAction[] = [];
  for (const { exportId, title } of records) {
    if (!exportId || seen.has(exportId) || actions.length >= HISTORY_MOVES) continue;
    seen.add(exportId);
    actions.push({ kind: "move_thread", label: text(lang, "history_move", { title }), arg: exportId });
  }
  return actions;
}

const REFUSED: Record<Exclude<MoveOutcome, "moved">, TextKey> = {
  stale: "move_stale",
  busy: "move_busy",
  same: "move_same",
};

/**
 * The move itself (one Redis step, see `ProjectMoves.move`), then the member owns the target thread, the
 * target says where the project came from and the source where it went (a link where the platform has
 * one; never the code).
 */
async function finishMove(
  parts: ProjectMoveParts,
  asked: { inbound: Inbound; lang: Lang; answer: Answers },
  move: { source: string; sessionId: string; target: ConversationRef },
): Promise<void> {
  const { inbound, lang, answer } = asked;
  const outcome = await parts.moves.move(move.source, move.target, move.sessionId);
  parts.logger.info(
    { thread: move.source, to: refKey(move.target), trace: inbound.id, user: inbound.user.id, outcome },
    "project-move",
  );
  if (outcome !== "moved") {
    const refusal = { text: text(lang, REFUSED[outcome]) };
    // A thread opened for the move says why it stays empty; otherwise only the sender reads it.
    return refKey(move.target) === refKey(inbound.ref)
      ? answer.tell(refusal)
      : void (await parts.outbox.post(move.target, refusal));
  }
  const source = parseRefKey(move.source);
  await parts.owners.claim(move.target, inbound.user.id);
  await parts.outbox.post(move.target, placeNote(parts, lang, "moved_here", "from", source));
  await parts.outbox.post(source, placeNote(parts, lang, "moved_away", "to", move.target));
}

const PLACE_NAMES: Record<ReturnType<typeof placeKindOf>, TextKey> = {
  "discord-guild": "move_place_discord",
  "discord-user-install": "move_place_discord_dm",
  "discord-dm": "move_place_discord_dm",
  "slack-channel": "move_place_slack",
  "slack-dm": "move_place_slack",
  console: "move_place_console",
};

/** "Continued here from / in <place>", with a link to that thread where its platform has one. */
function placeNote(
  parts: ProjectMoveParts,
  lang: Lang,
  key: "moved_here" | "moved_away",
  param: "from" | "to",
  place: ConversationRef,
): Reply {
  const name = text(lang, PLACE_NAMES[placeKindOf(place)], { thread: place.thread });
  const url = parts.messengers[place.platform]?.threadLink?.(place);
  return {
    text: text(lang, key, { [param]: name }),
    ...(url ? { links: [{ label: text(lang, "move_link"), url }] } : {}),
  };
}
