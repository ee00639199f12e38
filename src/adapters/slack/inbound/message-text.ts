/**
 * Slack message text (its own markup: `<@U1>`, `<!here>`, `<url|label>`, with `&`, `<`, `>` escaped)
 * as plain text for the backend, with the bot's own mention removed.
 */
export function slackTextToPlain(text: string, botUserId: string | undefined): string {
  let plain = text;
  if (botUserId) plain = plain.replace(mentionPattern(botUserId), "");
  plain = plain.replace(/<([^<>]*)>/g, (_match, inner: string) => controlToPlain(inner));
  return decodeEntities(plain).trim();
}

/** Whether the text mentions the user (`<@U1>` or `<@U1|name>`). */
export function mentionsUser(text: string | undefined, userId: string | undefined): boolean {
  if (!text || !userId) return false;
  return text.includes(`<@${userId}>`) || text.includes(`<@${userId}|`);
}

/** One `<…>` sequence: users, channels, special mentions and links, as a reader would write them. */
function controlToPlain(inner: string): string {
  const bar = inner.indexOf("|");
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : inner.slice(bar + 1);
  if (target.startsWith("@")) return label ? `@${label.replace(/^@/, "")}` : target;
  if (target.startsWith("#")) return label ? `#${label.replace(/^#/, "")}` : target;
  if (target.startsWith("!")) {
    // Special mentions become plain words: the backend (and any echo of it) never carries a ping.
    const name = target.slice(1).split("^")[0] ?? "";
    if (name === "here" || name === "channel" || name === "everyone") return `@${name}`;
    return label ?? `@${name}`;
  }
  if (!label || label === target || target.replace(/^(https?:\/\/|mailto:)/, "") === label) {
    return target.replace(/^mailto:/, "");
  }
  return `${label} (${target})`;
}

function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** The bot's own mention and what follows it (one bot user per process, or a few: one pattern each). */
const mentionPatterns = new Map<string, RegExp>();
function mentionPattern(botUserId: string): RegExp {
  let pattern = mentionPatterns.get(botUserId);
  if (!pattern) {
    if (mentionPatterns.size >= 100) mentionPatterns.clear();
    pattern = new RegExp(`<@${escapeRegExp(botUserId)}(?:\\|[^>]*)?>[\\s,:]*`, "g");
    mentionPatterns.set(botUserId, pattern);
  }
  return pattern;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
