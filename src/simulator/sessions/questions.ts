import { extractPrompt, GENERATE, type Intent } from "./intents.js";
import type { Session } from "./state.js";

/** The styles the agent offers, by index, as it lists them. */
const STYLES: readonly { en: string; zh: string; word: RegExp }[] = [
  { en: "Cinematic", zh: "电影感", word: /\bcinematic\b|电影感|电影/i },
  { en: "Anime", zh: "动漫", word: /\banime\b|动漫|动画/i },
  { en: "Documentary", zh: "纪录片", word: /\bdocumentary\b|纪录片/i },
];

/** The numbered list of styles, in English or Chinese. */
export function styleList(lang: "en" | "zh"): string {
  return STYLES.map((style, i) => `${i + 1}. ${style[lang]}`).join("\n");
}

/** A generation that leaves the style open: "make a video about my cat in any style", "做一个猫的视频，风格随意". */
const STYLE_LEFT_OPEN = /\b(?:any|some|a|which|what)\s+style\b|风格/i;
const STYLE_PHRASE = /[,，]?\s*(?:in\s+)?(?:any|some|a|which|what)\s+style\b.*$|[,，]?\s*风格.*$/i;
const WHAT_NEXT = /\bwhat(?:'s|\s+is)?\s+next\b|\bwhat\s+now\b|接下来|下一步/i;
const YES = /^\s*(?:y|yes|yeah|yep|sure|ok|okay|please do)\b|^\s*(?:是|好|要|可以|行)/i;
const NO = /^\s*(?:n|no|nope)\b|^\s*(?:否|不)/i;

function styleOf(text: string): string | undefined {
  const number = /^\s*([1-3])\s*[.)、]?\s*$/.exec(text)?.[1];
  const style = number ? STYLES[Number(number) - 1] : STYLES.find((candidate) => candidate.word.test(text));
  return style?.en.toLowerCase();
}

/**
 * The intent of a message that answers the session's pending question, or that makes the agent ask one:
 * a generation that leaves the style open asks "Which style would you like? 1. … 2. … 3. …" (the answer —
 * a style's name, or its number — generates in that style); "what next?" asks "Shall I add background
 * music? (yes/no)". Any message ends the pending question, answered or not. Undefined: no question.
 */
export function questionIntent(text: string, session: Session): Intent | undefined {
  const pending = session.question;
  session.question = undefined;
  if (pending?.kind === "style") {
    const style = styleOf(text);
    if (style) return { kind: "generate", prompt: `${pending.prompt}, ${style} style` };
  }
  if (pending?.kind === "music") {
    if (YES.test(text)) return { kind: "music" };
    if (NO.test(text)) return { kind: "no-music" };
  }
  if (GENERATE.test(text) && STYLE_LEFT_OPEN.test(text) && !styleOf(text)) {
    const prompt = extractPrompt(text.replace(STYLE_PHRASE, "")) || extractPrompt(text);
    return { kind: "ask-style", prompt };
  }
  if (WHAT_NEXT.test(text)) return { kind: "ask-music" };
  return undefined;
}
