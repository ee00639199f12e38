import { createHash } from "node:crypto";
import type { Lang } from "./language.js";
import type { ReplyAction, ReplyChoice } from "./reply.js";

/**
 * Quick replies: the choices an answer ENDS with (a numbered or bulleted list next to a question, an
 * inline "1. cinematic 2. anime 3. documentary?", a yes/no question, a clear "A or B?"), which the
 * platforms show as buttons (a select menu when there are more than {@link MAX_QUICK_BUTTONS}). A
 * click sends `text` as the clicker's next message in the thread. Pure: no I/O.
 */
export interface QuickChoice {
  /** Shown on the button (markdown emphasis stripped); renderers cap its length per platform. */
  label: string;
  /** Sent as the member's message when clicked: the whole choice. */
  text: string;
}

/** At most this many choices show as buttons; more (up to {@link MAX_QUICK_CHOICES}) as a select menu. */
export const MAX_QUICK_BUTTONS = 5;
/** More choices than this: no quick replies at all (a select menu holds 25 options). */
export const MAX_QUICK_CHOICES = 25;
/** A list item longer than this is prose, not a choice. */
const MAX_CHOICE_CHARS = 200;
/** A question line (before or after a list) longer than this is a paragraph, not a question. */
const MAX_QUESTION_CHARS = 300;

const HAN = /\p{Script=Han}/u;
/** Ends with a question mark (a closing bracket or markdown emphasis after it allowed: `**Which one?**`). */
const ENDS_WITH_QUESTION = /[?？]\s*[)）]?[*_]*\s*$/;
const ENDS_WITH_COLON = /[:：]\s*[*_]*\s*$/;
/** Words that make an intro line ending in ":" ask for a choice ("Pick one:", "选项如下："). */
const CHOICE_CUE =
  /\b(?:which|choose|choice|choices|pick|select|prefer|options?|would you like|do you want|reply with)\b|哪|选|挑|想要|偏好/i;

type Marker = "number" | "bullet" | "circled";
interface Item {
  marker: Marker;
  n: number;
  body: string;
}

const CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳";

/** A list line: `1. x`, `1) x`, `1、x`, `(1) x`, `① x`, `- x`, `• x`, `* x`. */
function listItem(line: string): Item | undefined {
  const numbered = /^\s*[(（]?(\d{1,2})(?:[.)）、:：]|\s*[.、])(?!\d)\s*(\S.*)$/.exec(line);
  if (numbered) return { marker: "number", n: Number(numbered[1]), body: numbered[2]! };
  const circled = /^\s*([①-⑳])\s*(\S.*)$/u.exec(line);
  if (circled) return { marker: "circled", n: CIRCLED.indexOf(circled[1]!) + 1, body: circled[2]! };
  const bullet = /^\s*[-•*·▪◦‣]\s+(\S.*)$/u.exec(line);
  if (bullet) return { marker: "bullet", n: 0, body: bullet[1]! };
  return undefined;
}

/** `**Anime** — bold colours` → `Anime — bold colours`; emphasis, code marks and a trailing `?` go. */
function clean(body: string): string {
  return body
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/(^|[^\w*])[*_](\S(?:.*?\S)?)[*_](?=[^\w*]|$)/g, "$1$2")
    .replace(/~~(.+?)~~/g, "$1")
    .replace(/`([^`]+)`/g, "$1")
    .replace(/\s*[?？]+\s*$/, "")
    .replace(/[\s,;，；。.]+$/, "")
    .trim();
}

function choicesOf(bodies: readonly string[]): QuickChoice[] | undefined {
  const choices = bodies.map(clean).map((label) => ({ label, text: label }));
  if (choices.length < 2 || choices.length > MAX_QUICK_CHOICES) return undefined;
  if (choices.some((choice) => choice.label === "" || choice.label.length > MAX_CHOICE_CHARS))
    return undefined;
  if (new Set(choices.map((choice) => choice.label.toLowerCase())).size !== choices.length) return undefined;
  return choices;
}

/** Numbered items must count 1, 2, 3…; bullets may be anything; one kind of marker per list. */
function isSequence(items: readonly Item[]): boolean {
  const marker = items[0]?.marker;
  if (!items.every((item) => item.marker === marker)) return false;
  return marker === "bullet" || items.every((item, i) => item.n === i + 1);
}

function isQuestion(line: string): boolean {
  return line.length <= MAX_QUESTION_CHARS && ENDS_WITH_QUESTION.test(line);
}

function asksToChoose(line: string): boolean {
  return (
    isQuestion(line) ||
    (line.length <= MAX_QUESTION_CHARS && ENDS_WITH_COLON.test(line) && CHOICE_CUE.test(line))
  );
}

/** A list at the end of the answer, with a question (or a choosing intro) just before or right after it. */
function endingList(lines: readonly string[]): QuickChoice[] | undefined {
  let end = lines.length;
  // One question may follow the list ("1. x\n2. y\n\nWhich one?").
  const last = lines[end - 1]!;
  const after = listItem(last) ? undefined : last;
  if (after !== undefined) {
    if (!isQuestion(after)) return undefined;
    end -= 1;
  }
  let start = end;
  while (start > 0 && listItem(lines[start - 1]!)) start -= 1;
  const items = lines.slice(start, end).map((line) => listItem(line)!);
  if (items.length < 2 || !isSequence(items)) return undefined;
  const before = start > 0 ? lines[start - 1]! : undefined;
  const asked =
    (after !== undefined && isQuestion(after)) ||
    (before !== undefined && asksToChoose(before)) ||
    // "…\n2. Anime\n3. Documentary?": the list itself is the question.
    (after === undefined && ENDS_WITH_QUESTION.test(items[items.length - 1]!.body));
  if (!asked) return undefined;
  return choicesOf(items.map((item) => item.body));
}

/**
 * `Which style? 1. Cinematic 2. Anime 3. Documentary` (or ending in `?`), `你想要哪种风格？1. 电影感 2. 动漫`,
 * `① 横屏 ② 竖屏`: numbered 1, 2, 3… on the last line, after a question or with the line ending in one.
 */
function inlineList(line: string): QuickChoice[] | undefined {
  const numberAt = /(?:^|\s|(?<=[?？:：。，,]))(?:(\d{1,2})[.)）、](?!\d)|([①-⑳]))\s*/gu;
  const marks = [...line.matchAll(numberAt)];
  if (marks.length < 2) return undefined;
  const numbers = marks.map((mark) => (mark[1] ? Number(mark[1]) : CIRCLED.indexOf(mark[2]!) + 1));
  if (!numbers.every((n, i) => n === i + 1)) return undefined;
  const intro = line.slice(0, marks[0]!.index).trim();
  const bodies = marks.map((mark, i) =>
    line.slice(mark.index + mark[0].length, marks[i + 1]?.index ?? line.length).trim(),
  );
  const asked = isQuestion(line) || (intro !== "" && asksToChoose(intro));
  if (!asked) return undefined;
  return choicesOf(bodies);
}

/** The last sentence of a line ("Done! Shall I add music?" → "Shall I add music?"). */
function lastSentence(line: string): string {
  // Markdown emphasis is no part of the words: `**Shall I add music?**`.
  const parts = line.replace(/\*\*|__|~~|`/g, "").split(/(?<=[.!?。！？…])\s*(?=\S)/u);
  const last = parts[parts.length - 1]!.trim();
  // "Shall I add music? (yes/no)": the mark belongs to the question before it.
  if (parts.length > 1 && YES_NO_MARK.test(last) && last.replace(YES_NO_MARK, "") === "")
    return `${parts[parts.length - 2]!.trim()} ${last}`;
  return last;
}

const YES_NO_EN =
  /^(?:shall|should|do|does|did|would|will|can|could|may|is|are|was|want|wanna|ok|okay|is it ok)\b[^?]*\?\s*(?:\((?:yes\s*\/\s*no|y\/n)\))?$/i;
const YES_NO_MARK = /[(（]\s*(?:yes\s*\/\s*no|y\/n|是\s*\/\s*否|是或否)\s*[)）]\s*$/i;
const YES_NO_ZH = /(?:吗|么|是否|要不要|需不需要|好不好|可不可以|行不行)[^？?]*[？?]\s*$|^是否/;

/** A yes/no question at the very end ("Shall I add background music?", "要加背景音乐吗？"). */
function yesNo(line: string, lang: Lang): QuickChoice[] | undefined {
  const sentence = lastSentence(line);
  const marked = YES_NO_MARK.test(sentence);
  if (!marked && !isQuestion(sentence)) return undefined;
  const zh = HAN.test(sentence);
  const bare = sentence.replace(YES_NO_MARK, "").trim();
  const or = zh ? /还是/.test(bare) : /\bor\b/i.test(bare);
  if (!marked && (or || !(zh ? YES_NO_ZH.test(bare) : YES_NO_EN.test(bare)))) return undefined;
  const chinese = zh || (!/[a-z]/i.test(sentence) && lang === "zh-CN");
  return chinese
    ? [
        { label: "是", text: "是" },
        { label: "否", text: "否" },
      ]
    : [
        { label: "Yes", text: "Yes" },
        { label: "No", text: "No" },
      ];
}

const EITHER_CUE =
  /\b(?:prefer|rather|which|choose|pick|go with|would you like|do you want|should i|shall i)\b/i;

/**
 * A clear "A or B?": a question with a choosing cue whose two sides are one word each, or a comma list
 * of short options ("landscape, portrait or square?"); Chinese `横屏还是竖屏？` with two short sides.
 */
function eitherOr(line: string): QuickChoice[] | undefined {
  const sentence = lastSentence(line);
  if (!isQuestion(sentence)) return undefined;
  const bare = sentence.replace(/[?？]\s*$/, "").trim();
  if (HAN.test(bare)) {
    const zh = /([\p{Script=Han}A-Za-z0-9]{1,4})还是([\p{Script=Han}A-Za-z0-9]{1,4}?)(?:呢|吧)?$/u.exec(bare);
    if (!zh) return undefined;
    const second = zh[2]!;
    const first = zh[1]!.slice(-second.length);
    return choicesOf([first, second]);
  }
  if (!EITHER_CUE.test(bare)) return undefined;
  const match = /((?:[\w-]+,\s+)*[\w-]+),?\s+or\s+([\w-]+)$/i.exec(bare);
  if (!match) return undefined;
  const options = [...match[1]!.split(/,\s+/), match[2]!];
  if (options.length === 2 && /^(?:a|an|the|it|this|that|them|me|you)$/i.test(options[0]!)) return undefined;
  return choicesOf(options.map((option) => option.charAt(0).toUpperCase() + option.slice(1)));
}

/**
 * The choices `answer` ends with, or none: a list in the middle of a longer answer followed by more
 * prose is no question to the member. `lang` is the conversation's language (a yes/no question in
 * Chinese is answered 是 / 否, in English Yes / No).
 */
export function quickChoices(answer: string, lang: Lang): QuickChoice[] {
  const lines = answer
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  if (lines.length === 0) return [];
  const last = lines[lines.length - 1]!;
  return endingList(lines) ?? inlineList(last) ?? yesNo(last, lang) ?? eitherOr(last) ?? [];
}

/**
 * The id of the record keeping an answer's choices, from the id of the message it answers: short and
 * fixed in length (a hash), so a chain of quick replies never grows a button's id past Discord's 100.
 */
export function quickRecordId(inboundId: string): string {
  return `q${createHash("sha256").update(inboundId).digest("base64url").slice(0, 16)}`;
}

/** The record and the index a quick reply's `<record id>:<index>` names; undefined when malformed. */
export function parseQuickArg(arg: string | undefined): { recordId: string; index: number } | undefined {
  const match = /^(q[\w-]{16}):(\d{1,2})$/.exec(arg ?? "");
  return match ? { recordId: match[1]!, index: Number(match[2]) } : undefined;
}

/** The choices of a record as the reply carries them. */
export function replyChoices(recordId: string, choices: readonly QuickChoice[]): ReplyChoice[] {
  return choices.map((choice, index) => ({ label: choice.label, id: `${recordId}:${index}` }));
}

/** A reply's quick replies as actions (kind `quick_reply`, arg = the choice's id), for renderers. */
export function choiceActions(reply: { choices?: readonly ReplyChoice[] | undefined }): ReplyAction[] {
  return (reply.choices ?? []).map((choice) => ({
    kind: "quick_reply",
    label: choice.label,
    arg: choice.id,
  }));
}
