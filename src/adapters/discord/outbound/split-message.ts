/** Discord's limit on a message's `content`. */
export const MESSAGE_CONTENT_MAX = 2000;

/** Boundaries to cut at, best first: paragraph, line, sentence end, any whitespace. */
const BOUNDARIES: readonly RegExp[] = [/\n\s*\n/g, /\n/g, /(?<=[.!?…。！？])\s+/g, /\s+/g];

/**
 * Splits text into parts of at most `limit` UTF-16 units (what Discord counts), cutting at the last
 * paragraph break that fits, else line break, else sentence end, else whitespace; only a single word
 * longer than the limit is cut inside (never between the halves of a surrogate pair nor after a lone
 * escaping backslash). Whitespace at the cuts is dropped; nothing else is.
 */
export function splitMessage(text: string, limit = MESSAGE_CONTENT_MAX): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const [end, next] = cutPoint(rest, limit);
    parts.push(rest.slice(0, end).trimEnd());
    rest = rest.slice(next).trimStart();
  }
  if (rest !== "") parts.push(rest);
  return parts;
}

/** Where the first part ends and the next begins. */
function cutPoint(text: string, limit: number): [end: number, next: number] {
  // A boundary's whitespace may run past the limit; the part itself must not.
  const window = text.slice(0, limit + 1);
  for (const boundary of BOUNDARIES) {
    let best: [number, number] | undefined;
    for (const match of window.matchAll(boundary)) {
      const end = match.index;
      // Cuts in the first quarter would leave tiny parts; try a weaker boundary instead.
      if (end < limit / 4 || end > limit) continue;
      best = [end, end + match[0].length];
    }
    if (best) return best;
  }
  let end = limit;
  if (isHighSurrogate(text.charCodeAt(end - 1))) end--;
  while (end > 1 && endsWithOddBackslashes(text.slice(0, end))) end--;
  return [end, end];
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function endsWithOddBackslashes(text: string): boolean {
  const trailing = /\\+$/.exec(text)?.[0].length ?? 0;
  return trailing % 2 === 1;
}
