import type { EnvelopedEvent, types } from "@slack/bolt";
import type { SlackFileFields } from "./attachments.js";
import { nonEmpty } from "./untyped-field.js";

/**
 * A message a person wrote, as the event listeners read it: one shape for an `app_mention` and for the
 * `message` subtypes that are people talking. Bolt's typed events are narrowed here, once; an empty
 * string Slack sends for an absent field reads as undefined.
 */
export interface PersonMessage {
  channel: string;
  user: string;
  ts: string;
  threadTs: string | undefined;
  text: string | undefined;
  /** Set when a bot (an integration, not a person) wrote it. */
  botId: string | undefined;
  /** The author's own workspace (in a Slack Connect channel, not the one the bot sees it through). */
  team: string | undefined;
  /** The author of the thread's parent message (replies only). */
  parentUserId: string | undefined;
  /** `im`, `mpim`, `channel`, `group` (message events only). */
  channelType: string | undefined;
  files: readonly SlackFileFields[];
}

/** What the listeners read of the Events API envelope. */
export type EventEnvelope = Pick<EnvelopedEvent, "team_id" | "event_id">;

/** An `app_mention`, or undefined when it lacks its channel, author or ts. */
export function mentionMessage(event: types.AppMentionEvent): PersonMessage | undefined {
  return writtenBy(event, {
    botId: event.bot_id || undefined,
    team: event.team || undefined,
    parentUserId: undefined,
    channelType: undefined,
    files: event.files ?? [],
  });
}

/**
 * A `message` event written by a person: no subtype, `file_share` or `thread_broadcast` (edits,
 * deletions, joins and bot posts are not); undefined for any other, or one lacking its channel,
 * author or ts.
 */
export function personMessage(event: types.MessageEvent): PersonMessage | undefined {
  if (event.subtype !== undefined && event.subtype !== "file_share" && event.subtype !== "thread_broadcast")
    return undefined;
  // Slack sends these on every one of the three subtypes; Bolt declares each on some of them only.
  const botId = "bot_id" in event ? event.bot_id : undefined;
  const team = "team" in event ? event.team : undefined;
  const parentUserId = "parent_user_id" in event ? event.parent_user_id : undefined;
  const files = "files" in event ? event.files : undefined;
  return writtenBy(event, {
    botId: nonEmpty(botId),
    team: nonEmpty(team),
    parentUserId: nonEmpty(parentUserId),
    channelType: event.channel_type || undefined,
    files: Array.isArray(files) ? files : [],
  });
}

/**
 * The message with where and by whom it was written and what it says; undefined without channel,
 * author or ts. One object literal: spreading a partial one and adding fields costs microseconds in V8.
 */
function writtenBy(
  event: {
    channel: string;
    user?: string | undefined;
    ts: string;
    thread_ts?: string | undefined;
    text?: string | undefined;
  },
  more: Omit<PersonMessage, "channel" | "user" | "ts" | "threadTs" | "text">,
): PersonMessage | undefined {
  if (!event.channel || !event.user || !event.ts) return undefined;
  return {
    channel: event.channel,
    user: event.user,
    ts: event.ts,
    threadTs: event.thread_ts || undefined,
    text: event.text || undefined,
    botId: more.botId,
    team: more.team,
    parentUserId: more.parentUserId,
    channelType: more.channelType,
    files: more.files,
  };
}
