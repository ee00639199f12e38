/**
 * Slack mrkdwn for text the bot did not write itself (backend answers, user prompts, labels).
 *
 * Slack treats `<…>` as control sequences (`<!channel>`, `<@U1>`, `<url|label>`), so `&`, `<` and `>`
 * are always escaped: nothing from the backend can ping a channel or forge a link.
 */

/** `&`, `<`, `>` → `&amp;`, `&lt;`, `&gt;` (the three characters Slack asks to escape). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * A link `<url|label>`, with the label escaped and `|`/`>` in the URL percent-encoded. URLs that are not
 * http(s) are shown as escaped text, never as a link.
 */
export function mrkdwnLink(url: string, label?: string): string {
  const shownLabel = label?.trim() ? escapeMrkdwn(label.trim()) : undefined;
  if (!/^https?:\/\//i.test(url)) {
    const shownUrl = escapeMrkdwn(url);
    return shownLabel ? `${shownLabel} (${shownUrl})` : shownUrl;
  }
  const target = url.replace(/&/g, "&amp;").replace(/</g, "%3C").replace(/>/g, "%3E").replace(/\|/g, "%7C");
  return shownLabel ? `<${target}|${shownLabel.replace(/\|/g, "¦")}>` : `<${target}>`;
}

/** A Markdown link `[label](https://…)`, or a bare http(s) URL (which stops before an escaped `<`/`>`). */
const LINKS = /\[([^\]\n]+)\]\((https?:\/\/[^\s()<>|]+)\)|(https?:\/\/(?:(?!&lt;|&gt;)[^\s<>|])+)/g;

/**
 * Backend text (plain text with some Markdown) as safe mrkdwn: escaped first, then `**bold**` → `*bold*`,
 * `# Heading` → `*Heading*`, `[label](https://…)` → `<url|label>` and bare URLs → `<url>` (trailing
 * punctuation left outside). The conversions only ever produce links to http(s) URLs, so the escaping
 * cannot be undone into a mention.
 */
export function backendTextToMrkdwn(text: string): string {
  return escapeMrkdwn(text.replace(/\r\n?/g, "\n"))
    .replace(/\*\*([^*\n]+)\*\*/g, "*$1*")
    .replace(/^#{1,6}[ \t]+(.+?)[ \t]*#*$/gm, "*$1*")
    .replace(
      LINKS,
      (_match, label: string | undefined, url: string | undefined, bare: string | undefined) => {
        // A label that looks like an address could disguise where the link goes: show the real one.
        if (label && url) {
          return /(?:https?:|www\.|\.[a-z]{2,}(?:\/|\s|$))/i.test(label)
            ? `${label} (<${url}>)`
            : `<${url}|${label.replace(/\|/g, "¦")}>`;
        }
        const link = bare ?? "";
        let end = link.length;
        while (
          end > 0 &&
          /[.,;:!?)\]'"]/.test(link[end - 1]!) &&
          !/&(?:amp|lt|gt);$/.test(link.slice(0, end))
        )
          end--;
        return `<${link.slice(0, end)}>${link.slice(end)}`;
      },
    );
}

/**
 * Splits mrkdwn into pieces of at most `max` characters (UTF-16 units, as Slack counts), preferring
 * paragraph, then line, then word boundaries, and never cutting inside an entity (`&amp;`), a
 * `<…>` link, or a surrogate pair.
 */
export function splitMrkdwn(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = safeCut(rest, max);
    const piece = rest.slice(0, cut).trimEnd();
    if (piece) pieces.push(piece);
    rest = rest.slice(cut).replace(/^\s+/, "");
  }
  if (rest.trim()) pieces.push(rest);
  return pieces;
}

function safeCut(text: string, max: number): number {
  const window = text.slice(0, max + 1);
  const minimum = Math.floor(max / 2);
  for (const separator of ["\n\n", "\n", " "]) {
    const at = window.lastIndexOf(separator);
    if (at >= minimum && at <= max && isSafe(text, at)) return at;
  }
  let cut = max;
  while (cut > 1 && !isSafe(text, cut)) cut--;
  return cut > 1 ? cut : max;
}

/** Whether cutting before index `at` leaves entities, links and surrogate pairs whole. */
function isSafe(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code >= 0xdc00 && code <= 0xdfff) return false;
  const before = text.slice(Math.max(0, at - 5), at);
  if (/&[a-z]{0,4}$/i.test(before)) return false;
  const open = text.lastIndexOf("<", at - 1);
  return open < 0 || text.indexOf(">", open) < at;
}

/** At most `max` characters, cut safely and marked with `…` when shortened. */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.min(safeCut(text, max - 1), max - 1)).trimEnd()}…`;
}
