import { choiceActions } from "../../core/conversation/quick-replies.js";
import type { Reply, ReplyAction } from "../../core/conversation/reply.js";

/** Every numbered thing of a reply, in the order numbers are given: its quick replies, then its actions. */
export function consoleActions(reply: Reply): ReplyAction[] {
  return [...choiceActions(reply), ...(reply.actions ?? [])];
}

/**
 * Plain-text rendering of a neutral reply for a terminal: progress message, text, video, links, then the
 * actions as numbered choices. `choices[i]` is the number shown for `consoleActions(reply)[i]` (the
 * messenger assigns them so they stay unique within the session); a missing number falls back to `i + 1`.
 * Quick replies come first, on a line of their own.
 */
export function renderConsoleReply(reply: Reply, choices: number[]): string {
  const lines: string[] = [];
  if (reply.progress) lines.push(clean(reply.progress));
  if (reply.text) lines.push(clean(reply.text));
  if (reply.video && !reply.text?.includes(reply.video.url)) {
    const title = reply.video.title ? `${clean(reply.video.title)}: ` : "";
    lines.push(`🎬 ${title}${clean(reply.video.url)}`);
  }
  // Variations: one numbered line per video; its [choice] below continues with it
  for (const item of reply.gallery ?? []) lines.push(`🎬 ${clean(item.title)} ${clean(item.url)}`);
  for (const link of reply.links ?? []) lines.push(`${clean(link.label)}: ${clean(link.url)}`);
  const numbered = consoleActions(reply).map(
    (action, i) => `[${choices[i] ?? i + 1}] ${clean(action.label)}`,
  );
  const quick = reply.choices?.length ?? 0;
  if (quick > 0) lines.push(`➡️ ${numbered.slice(0, quick).join("  ")}`);
  if (numbered.length > quick) lines.push(numbered.slice(quick).join("  "));
  const body = lines.join("\n");
  return reply.tone === "error" ? `✘ ${body}` : body;
}

// Backend and user text reaches a real terminal: drop control characters (ESC above all) so nothing
// in a reply can move the cursor, recolour or retitle the user's terminal. Newlines and tabs stay.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function clean(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(CONTROL, "");
}
