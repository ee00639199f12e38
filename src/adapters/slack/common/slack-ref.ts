import type { ConversationRef } from "../../../core/conversation/conversation-ref.js";

/**
 * How the Slack adapter fills a `ConversationRef`: workspace = team id, channel = channel id, and
 * thread = one of
 * - a message `ts`: the thread under that parent message (channels, and threads inside DMs);
 * - the channel id itself: a DM as one running conversation (replies go to the DM, no `thread_ts`);
 * - `ephemeral:<user id>`: answers only that user sees (`/nemo credits`), via `chat.postEphemeral`.
 * A DM keeps its team id as workspace (not "dm"): Slack channel ids are per team.
 */
export function slackRef(team: string, channel: string, thread: string): ConversationRef {
  return { platform: "slack", workspace: team, channel, thread };
}

const EPHEMERAL = "ephemeral:";

/** A conversation whose replies are ephemeral messages to one user in a channel. */
export function ephemeralRef(team: string, channel: string, user: string): ConversationRef {
  return slackRef(team, channel, `${EPHEMERAL}${user}`);
}

/** Where a reply to `ref` goes on Slack. */
export interface SlackTarget {
  channel: string;
  /** The parent message ts; absent for a DM's own conversation. */
  threadTs?: string | undefined;
  /** Set for ephemeral conversations: the one user who sees the replies. */
  ephemeralUser?: string | undefined;
}

/** Reads a `ConversationRef` made by {@link slackRef} back into a Slack destination. */
export function slackTarget(ref: ConversationRef): SlackTarget {
  if (ref.platform !== "slack") throw new TypeError(`not a Slack conversation: ${ref.platform}`);
  if (ref.thread.startsWith(EPHEMERAL)) {
    return { channel: ref.channel, ephemeralUser: ref.thread.slice(EPHEMERAL.length) };
  }
  if (ref.thread === ref.channel || ref.thread === "") return { channel: ref.channel };
  return { channel: ref.channel, threadTs: ref.thread };
}

/** Slack's DM channel ids start with `D`; DMs have no channel-level thread of their own. */
export function isDirectMessageChannel(channel: string): boolean {
  return channel.startsWith("D");
}

/**
 * Whether a member's own team is known and is not the installed workspace (a "T…" team id): a member of
 * another organisation in a Slack Connect channel, who never administers this one.
 */
export function isExternalMember(workspace: string, userTeam: string | undefined): boolean {
  return userTeam !== undefined && workspace.startsWith("T") && userTeam !== workspace;
}
