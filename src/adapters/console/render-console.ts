import type { Reply } from "../../core/conversation/reply.js";

/**
 * Plain-text rendering of a neutral reply for a terminal: progress message, text, video, links, then the
 * actions as numbered choices. `choices[i]` is the number shown for `reply.actions[i]` (the messenger
 * assigns them so they stay unique within the session); a missing number falls back to `i + 1`.
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
  const actions = reply.actions ?? [];
  if (actions.length > 0) {
    lines.push(actions.map((action, i) => `[${choices[i] ?? i + 1}] ${clean(action.label)}`).join("  "));
  }
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
