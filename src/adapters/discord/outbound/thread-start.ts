import type { REST } from "@discordjs/rest";
import { Routes } from "discord-api-types/v10";
import type { ConversationRef } from "../../../core/conversation/conversation-ref.js";
import { escapeText } from "./render-discord.js";

/** Discord's limit on a thread name. */
const THREAD_NAME_MAX = 100;

/**
 * A new conversation in a guild channel over REST (continue anywhere's "Continue in a new thread"): an
 * opener "➡️ @user continues a project" in the channel (`ref.channel`, pinging nobody), and a public
 * thread started from it. Rejects in a DM, which has no threads.
 */
export async function startDiscordThread(
  rest: Pick<REST, "post">,
  ref: ConversationRef,
  opener: { userId: string; text: string },
): Promise<ConversationRef> {
  if (ref.workspace === "dm") throw new Error("a direct message has no threads");
  const parent = (await rest.post(Routes.channelMessages(ref.channel), {
    body: { content: `<@${opener.userId}> ${escapeText(opener.text)}`, allowed_mentions: { parse: [] } },
  })) as { id: string };
  const thread = (await rest.post(Routes.threads(ref.channel, parent.id), {
    body: { name: opener.text.slice(0, THREAD_NAME_MAX) || "Nemo video", auto_archive_duration: 1440 },
  })) as { id: string };
  return { ...ref, thread: thread.id };
}

/** The link that opens a conversation's thread (or DM) in Discord. */
export function discordThreadLink(ref: ConversationRef): string {
  const guild = ref.workspace === "dm" ? "@me" : ref.workspace;
  return `https://discord.com/channels/${guild}/${ref.thread}`;
}
