/** Discord's limit on a thread name. */
export const THREAD_NAME_MAX = 100;

/** User, role and channel mentions and custom emoji markup: `<@123>`, `<@!123>`, `<@&123>`, `<#123>`, `<:name:123>`. */
const MARKUP = /<(?:@[!&]?|#)\d+>|<a?:(\w+):\d+>/g;

/**
 * A thread name from the user's prompt: mentions removed, whitespace collapsed, at most
 * {@link THREAD_NAME_MAX} characters (cut at a word boundary with "…"). Falls back to `fallback`
 * when nothing is left.
 */
export function threadName(prompt: string, fallback = "Nemo video"): string {
  const cleaned = prompt
    .replace(MARKUP, (_markup, emoji: string | undefined) => (emoji ? `:${emoji}:` : " "))
    .replace(/\s+/g, " ")
    .trim();
  const name = cleaned === "" ? fallback : cleaned;
  return truncate(name, THREAD_NAME_MAX);
}

/** At most `max` UTF-16 units (Discord's count), never splitting a surrogate pair. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = "";
  for (const char of text) {
    if (cut.length + char.length > max - 1) break;
    cut += char;
  }
  const space = cut.lastIndexOf(" ");
  return `${(space >= max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
