import { ARG_BUTTON_KINDS } from "./button-kinds.js";
import type { Inbound } from "./inbound.js";
import type { ActionKind } from "./reply.js";

/** What the bot does with one inbound message. Only `turn` goes to the backend. */
export type Intent =
  | { kind: "export" }
  | { kind: "credits" }
  | { kind: "status" }
  | { kind: "upload" }
  | { kind: "new" }
  | { kind: "cancel"; arg?: string }
  | { kind: "help" }
  | { kind: "history" }
  | { kind: "retry"; arg?: string }
  // Accounts (accounts/ in jobs): `login`'s arg is the token, sealed by the intake before it is queued
  | { kind: "login"; arg?: string }
  | { kind: "logout" }
  | { kind: "account" }
  /** A message that looks like an API token: never forwarded; the sender is told to revoke it. */
  | { kind: "token_pasted" }
  // The credits guard's buttons on a held message (arg = its inbound id)
  | { kind: "continue"; arg?: string }
  | { kind: "drop"; arg?: string }
  | { kind: "usage" }
  /** A fresh claim link of a finished export, privately (arg = the export's id). */
  | { kind: "project_link"; arg?: string }
  // Settings (issue 21): the member's defaults and the place's (arg = the typed or chosen change)
  | { kind: "settings"; arg?: string }
  /** A quick reply clicked (arg = `<record id>:<index>`): that choice becomes the clicker's message. */
  | { kind: "quick_reply"; arg?: string }
  // Variations (arg: the source message, the batch, `<batch>:<k>`); `variation_run` is only queued by a
  // Confirm (one per variation), never routed from a message or a button
  | { kind: "variations"; arg?: string }
  | { kind: "variations_confirm"; arg?: string }
  | { kind: "variations_cancel"; arg?: string }
  | { kind: "choose_variation"; arg?: string }
  | { kind: "variation_run"; arg?: string }
  // Continue anywhere: the project in a new thread (arg: an export id, from the history), a continue
  // code for the sender, a code redeemed here (arg: the code; `sha256:<hex>` once the intake hashed it)
  | { kind: "move_thread"; arg?: string }
  | { kind: "move_code" }
  | { kind: "move_here"; arg?: string }
  | { kind: "turn" };

type CommandKind = Exclude<Intent["kind"], "turn">;

/*
 * How text is routed (docs/backend-protocol.md, "Said to the bot, not to the backend").
 *
 * 1. `/name [arg]` (slash commands that adapters pass as text) → that command, whatever follows.
 * 2. Otherwise the text is a bot command only when it is a *short command phrase*:
 *    - every word is a filler ("please", "can you", "the", 请, 帮我, 一下, …) or belongs to that
 *      command's small vocabulary ("export the video in 1080p mp4", "how many credits do I have left",
 *      "show me the timeline", 帮我导出一下视频, 查看积分);
 *    - the phrase contains the command's trigger (export / download / "send … video", credits / balance,
 *      status / timeline / tracks, upload, "new project", help / "what can you do", cancel, retry);
 *    - at most {@link MAX_CONTENT_WORDS} non-filler words.
 *    Any other word — a scene, a colour, a negation ("don't export yet") — makes it a creative
 *    instruction for the backend: "export the intro scene with more red" and 导出前先把标题改成红色 are turns.
 *    Chinese has no spaces, so Han text is split by longest match against the same word lists; a run
 *    with any other character fails to split and the message is a turn.
 * 3. Empty text (a bare mention) → help; text that is only emoji or punctuation → a turn.
 *
 * "try again" is deliberately not a retry: it is a common creative request ("try again with a sunset").
 */
const MAX_CONTENT_WORDS = 6;

const words = (list: string): string[] => list.split(" ");

/** Words that may appear in any command and do not count towards the length limit. */
const FILLERS = new Set([
  ...words(
    "please pls plz can could would will you u i id want wanna like to lets let us ok okay now just go ahead",
  ),
  ...words(
    "and thanks thank thx hey hi me a an the my it this that for in as of on so then yes yeah bot nemo nemovideo",
  ),
  ...words(
    "请 帮我 帮忙 给我 一下 吧 呢 吗 啊 呀 哦 谢谢 麻烦 我要 我想 想 要 可以 能 能不能 你 我 的 了 把 这个 那个",
  ),
  ...words("现在 好的 好 你好 嗨 就"),
]);

interface CommandRule {
  kind: CommandKind;
  /** Words allowed in the phrase besides fillers (the triggers included). */
  vocab: ReadonlySet<string>;
  /** Whether the phrase names this command. */
  trigger(has: (...words: string[]) => boolean): boolean;
}

const EXPORT_VERBS = words("export download render 导出 下载");
const SEND_VERBS = words("send share 发 发给 发送 发我");
const VIDEO_NOUNS = words("video file link mp4 movie clip result 视频 文件 链接 成片");

/** Checked in order; the vocabularies do not share triggers, so at most one rule can match. */
const RULES: readonly CommandRule[] = [
  {
    kind: "export",
    vocab: new Set([
      ...EXPORT_VERBS,
      ...SEND_VERBS,
      ...VIDEO_NOUNS,
      ...words(
        "final finished full version 1080p 720p 4k hd high quality again out here 高清 最终 出来 一份",
      ),
    ]),
    trigger: (has) => has(...EXPORT_VERBS) || (has(...SEND_VERBS) && has(...VIDEO_NOUNS)),
  },
  {
    kind: "credits",
    vocab: new Set(
      words(
        "credits credit balance check show see view how many much do have left remaining what whats is are account get current " +
          "积分 余额 查看 查询 查 看看 看 显示 还有 多少 剩余 剩下 还剩 有 账户 我的",
      ),
    ),
    trigger: (has) => has(...words("credits credit balance 积分 余额")),
  },
  {
    kind: "status",
    vocab: new Set(
      words(
        "status timeline tracks progress preview show see view check list display current project video what whats is are all far " +
          "状态 时间线 时间轴 轨道 进度 预览 查看 看看 看 显示 当前 目前 项目 视频",
      ),
    ),
    trigger: (has) =>
      has(...words("status timeline tracks progress preview 状态 时间线 时间轴 轨道 进度 预览")),
  },
  {
    kind: "upload",
    vocab: new Set(
      words(
        "upload file files video image photo picture audio music clip footage media own some how do where " +
          "上传 文件 视频 图片 照片 音频 音乐 素材 一个 一些 怎么 如何",
      ),
    ),
    trigger: (has) => has("upload", "上传"),
  },
  {
    kind: "new",
    vocab: new Set(
      words(
        "new project session start over fresh restart from scratch 新项目 新建项目 新建 重新开始 项目 一个 创建",
      ),
    ),
    trigger: (has) =>
      has("new", "restart", "新项目", "新建项目", "新建", "重新开始") ||
      (has("start") && has("over", "scratch", "fresh")),
  },
  {
    kind: "help",
    vocab: new Set(
      words("help commands command what do how does work options usage 帮助 命令 怎么用 使用 说明 做 什么"),
    ),
    trigger: (has) =>
      has("help", "commands", "command", "usage", "帮助", "命令", "怎么用", "说明") ||
      (has("what") && has("do")) ||
      (has("how") && has("work")) ||
      (has("做") && has("什么")),
  },
  {
    kind: "cancel",
    vocab: new Set(words("cancel message last queued request 取消 撤回 消息 那条 这条 上一条 排队 刚才")),
    trigger: (has) => has("cancel", "取消", "撤回"),
  },
  {
    kind: "retry",
    vocab: new Set(words("retry again 重试")),
    trigger: (has) => has("retry", "重试"),
  },
  // Settings (issue 21): "my settings", "show settings", 我的设置 (a change is typed as /settings …)
  {
    kind: "settings",
    vocab: new Set(
      words("settings preferences show see view open change check 设置 偏好 查看 看看 打开 修改 我的"),
    ),
    trigger: (has) => has("settings", "preferences", "设置", "偏好"),
  },
];

/** Every Han word the rules know, longest first, for splitting Chinese text. */
const HAN_WORDS = [...new Set([...FILLERS, ...RULES.flatMap((rule) => [...rule.vocab])])]
  .filter((word) => /\p{Script=Han}/u.test(word))
  .sort((a, b) => b.length - a.length);

/** Splits a run of Han characters into known words (longest match); undefined when any part is unknown. */
function splitHan(run: string): string[] | undefined {
  const out: string[] = [];
  let rest = run;
  while (rest.length > 0) {
    const word = HAN_WORDS.find((candidate) => rest.startsWith(candidate));
    if (!word) return undefined;
    out.push(word);
    rest = rest.slice(word.length);
  }
  return out;
}

/** Lower-case words of the text; undefined when it holds Han text that is not made of known words. */
function tokenize(text: string): string[] | undefined {
  const cleaned = text.replace(/['’]/g, "").replace(/[\p{P}\p{S}]+/gu, " ");
  const tokens: string[] = [];
  for (const run of cleaned.match(/\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu) ?? []) {
    if (!/\p{Script=Han}/u.test(run)) {
      tokens.push(run);
      continue;
    }
    const han = splitHan(run);
    if (!han) return undefined;
    tokens.push(...han);
  }
  return tokens;
}

/** A leading `<@123>` / `<@U123|name>` / `@name` the adapter left in, with the punctuation after it. */
const LEADING_MENTION = /^\s*(?:<@[!&]?[\w.-]+(?:\|[^>]*)?>|@[^\s,:，：]+)[\s,:，：]*/u;

const SLASH_COMMANDS: Readonly<Record<string, CommandKind>> = {
  export: "export",
  download: "export",
  credits: "credits",
  balance: "credits",
  status: "status",
  timeline: "status",
  tracks: "status",
  upload: "upload",
  new: "new",
  help: "help",
  cancel: "cancel",
  retry: "retry",
  login: "login",
  logout: "logout",
  whoami: "account",
  account: "account",
  history: "history",
  usage: "usage",
  // Settings (issue 21)
  settings: "settings",
  // Continue anywhere: `/continue` asks for a code, `/continue CODE` redeems one (see routeInbound)
  continue: "move_code",
};

/** Intents that keep their argument: every button kind that carries one, and typed commands with one. */
const WITH_ARG: ReadonlySet<string> = new Set<string>([
  ...ARG_BUTTON_KINDS,
  "login",
  "settings",
  "move_here",
]);

function commandIntent(kind: CommandKind, arg?: string): Intent {
  return (WITH_ARG.has(kind) && arg ? { kind, arg } : { kind }) as Intent;
}

/**
 * Something that looks like a NemoVideo API token (`nmv_…`, e.g. `nmv_usr_…`): such a message is never
 * forwarded to the backend, kept, or echoed (docs/backend-protocol.md, "Accounts, tokens and links").
 */
export const TOKEN_PATTERN = /nmv_[A-Za-z0-9_-]{6,}/i;

/** Whether the text holds something that looks like an API token. */
export function looksLikeToken(text: string): boolean {
  return TOKEN_PATTERN.test(text.normalize("NFKC"));
}

/**
 * `/login <anything>` typed as a message, or `login <token-like word>`: a secret pasted in a chat. Only the
 * private form (Discord's modal, Slack's modal) carries a token, as the action's argument.
 */
const TYPED_LOGIN =
  /^\s*(?:\/login\s+\S|login\s+(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{16,}\b)/i;

/** Whether a typed message holds a secret: something token-like, or a login with its token. */
export function looksLikePastedSecret(text: string): boolean {
  const plain = text.normalize("NFKC");
  return looksLikeToken(plain) || TYPED_LOGIN.test(plain.replace(LEADING_MENTION, ""));
}

const GENERATION_HINT =
  /\b(?:generat\w*|animate|(?:make|create|produce|render)\s+(?:me\s+)?(?:a|an|another|the|one|some|\d+)?\s*(?:new\s+|short\s+|quick\s+)?(?:video|clip|film|movie|animation)s?)\b|生成|制作|做一?[个段条部]视频|来一?[个段条]视频/i;

/**
 * Whether a message will likely make the backend generate a clip (the credits guard's hint): "generate
 * …", "make a video of …", 生成, 制作… — an edit ("make the title red") is not.
 */
export function likelyGenerates(text: string): boolean {
  return GENERATION_HINT.test(text.normalize("NFKC"));
}

const ACTION_INTENTS: Readonly<Record<ActionKind, CommandKind>> = {
  export: "export",
  timeline: "status",
  credits: "credits",
  cancel: "cancel",
  retry: "retry",
  new: "new",
  help: "help",
  continue: "continue",
  drop: "drop",
  login: "login",
  logout: "logout",
  account: "account",
  history: "history",
  usage: "usage",
  project_link: "project_link",
  // Settings (issue 21)
  settings: "settings",
  // Quick replies
  quick_reply: "quick_reply",
  // Variations
  variations: "variations",
  variations_confirm: "variations_confirm",
  variations_cancel: "variations_cancel",
  choose_variation: "choose_variation",
  move_thread: "move_thread",
  move_code: "move_code",
  move_here: "move_here",
};

/** The intent of a short command phrase, or undefined when the text is for the backend. */
function phraseIntent(text: string): Intent | undefined {
  const tokens = tokenize(text);
  if (!tokens) return undefined;
  const content = tokens.filter((token) => !FILLERS.has(token));
  if (content.length === 0 || content.length > MAX_CONTENT_WORDS) return undefined;
  const has = (...candidates: string[]): boolean => candidates.some((word) => content.includes(word));
  const rule = RULES.find((r) => content.every((token) => r.vocab.has(token)) && r.trigger(has));
  return rule ? commandIntent(rule.kind) : undefined;
}

/**
 * Decides what to do with an inbound message: an explicit `action` (button or command) wins, then an
 * attachment means upload, then short command phrases in English or Chinese (see the rule above);
 * everything else is a `turn` for the backend.
 */
export function routeInbound(inbound: Inbound): Intent {
  // Before anything else: a token pasted in a chat goes nowhere (not even as an upload's caption).
  if (looksLikePastedSecret(inbound.text)) return { kind: "token_pasted" };
  if (inbound.action) return commandIntent(ACTION_INTENTS[inbound.action.kind], inbound.action.arg);
  if (inbound.attachments.length > 0) return { kind: "upload" };

  const text = inbound.text.normalize("NFKC").replace(LEADING_MENTION, "").trim();
  if (text === "") return { kind: "help" };
  const slash = /^\/([a-z]+)(?:\s+([\s\S]*))?$/i.exec(text);
  if (slash) {
    const kind = SLASH_COMMANDS[slash[1]!.toLowerCase()];
    // `/continue CODE` redeems a continue code; `/continue` alone asks for one (the credits guard's
    // Continue is a button, never typed).
    if (kind === "move_code" && slash[2]?.trim()) return { kind: "move_here", arg: slash[2].trim() };
    // The argument is an opaque id (a message id): keep its case.
    return kind ? commandIntent(kind, slash[2]?.trim()) : { kind: "turn" };
  }
  return phraseIntent(text.toLowerCase()) ?? { kind: "turn" };
}
