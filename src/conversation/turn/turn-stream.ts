import type { Lang } from "../../core/conversation/language.js";
import type { LiveTurn } from "../../core/conversation/messenger.js";
import { labelWithElapsed } from "../../core/conversation/progress-bar.js";
import { text } from "../../core/conversation/texts.js";
import { isLongGeneration, toolLabel } from "../../core/conversation/tool-labels.js";
import type { MessageStream } from "../../core/nemo/message-stream.js";
import type { PartialAnswer } from "../../store/partial-answers.js";
import type { ProgressMessage } from "./progress-message.js";

/** What the stream said; `ended` is false while it runs. */
export type StreamOutcome = Omit<PartialAnswer, "ended">;

export interface FollowOptions {
  stillWorkingMs: number;
  /** Text beyond this many characters is dropped and the answer marked `cut`. */
  maxAnswerChars: number;
  /** Keeps what arrived durable, at most once per `keepEveryMs` (and once more when the stream fails). */
  keep: (answer: PartialAnswer) => Promise<void>;
  keepEveryMs: number;
  /** The platform's live surface (Slack's AI-app container): status labels and the streamed text. */
  live?: LiveTurn | undefined;
  /** Told each tool the backend calls (quotas count generations by it). */
  onTool?: ((name: string) => void) | undefined;
  /** Settings (issue 21): " · 9:16 · ~15 s", shown in the generation's progress line. */
  settingsTag?: string | undefined;
}

/**
 * Reads one message stream into the thread: tool calls become progress labels, "still working" shows
 * every `stillWorkingMs`, a finished generation is reported at once (the first of the two stages).
 * The text so far is handed to `keep` as it arrives, so a worker that dies mid-stream loses none of it.
 */
export async function followStream(
  stream: MessageStream,
  lang: Lang,
  progress: ProgressMessage,
  options: FollowOptions,
): Promise<StreamOutcome> {
  const outcome: StreamOutcome = {
    text: "",
    tools: false,
    cut: false,
    rawVideoReported: false,
    postProduction: false,
  };
  const started = Date.now();
  let label = text(lang, "ack");
  // Text after a tool call or result is a new message of the backend: keep it a paragraph of its own.
  let newParagraph = false;
  const live = options.live;
  live?.status(text(lang, "assistant_status"));
  const still = setInterval(() => {
    const minutes = Math.max(1, Math.round((Date.now() - started) / 60_000));
    const current = labelWithElapsed(lang, label, Date.now() - started);
    progress.update({ progress: `${current}\n${text(lang, "still_working", { minutes })}` });
  }, options.stillWorkingMs);
  const keeper = new Keeper(options, outcome);
  try {
    for await (const event of stream) {
      switch (event.kind) {
        case "tool_call":
          newParagraph = true;
          outcome.tools = true;
          label =
            options.settingsTag && isLongGeneration(event.name)
              ? text(lang, "tool_generate_video_tagged", { tag: options.settingsTag })
              : toolLabel(event.name, lang);
          options.onTool?.(event.name);
          if (outcome.rawVideoReported && /post|music|bgm|title/i.test(event.name))
            outcome.postProduction = true;
          progress.update({ progress: labelWithElapsed(lang, label, Date.now() - started) });
          live?.status(label);
          break;
        case "tool_result":
          newParagraph = true;
          outcome.tools = true;
          if (isLongGeneration(event.name) && !outcome.rawVideoReported) {
            // First of the two reports: the acknowledgement says the raw video is ready; the rest is a new message.
            outcome.rawVideoReported = true;
            await progress.finish({ progress: text(lang, "raw_video_ready") });
            progress.detach();
          }
          break;
        case "text": {
          // Appended first: with no live surface, `live?.text(…)` would not evaluate its argument.
          if (newParagraph && outcome.text.trim()) {
            const separator = append(outcome, "\n\n", options.maxAnswerChars);
            live?.text(separator);
          }
          newParagraph = false;
          const appended = append(outcome, event.text, options.maxAnswerChars);
          live?.text(appended);
          break;
        }
        case "heartbeat":
          break;
      }
      keeper.tick();
    }
  } catch (error) {
    await keeper.flush();
    throw error;
  } finally {
    clearInterval(still);
  }
  await keeper.settled();
  return outcome;
}

/** Appends up to the cap (what does not fit is dropped and the answer marked cut); returns what was appended. */
function append(outcome: StreamOutcome, more: string, maxChars: number): string {
  if (outcome.cut) return "";
  const room = maxChars - outcome.text.length;
  if (more.length <= room) {
    outcome.text += more;
    return more;
  }
  const kept = more.slice(0, Math.max(0, room));
  outcome.text += kept;
  outcome.cut = true;
  return kept;
}

/**
 * Writes the outcome when its text changed: `keepEveryMs` after the first unsaved text (so an answer that
 * streams faster than that costs no write), one write at a time.
 */
class Keeper {
  private keptLength = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: FollowOptions,
    private readonly outcome: StreamOutcome,
  ) {}

  tick(): void {
    if (this.timer || !this.changed()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, this.options.keepEveryMs);
  }

  /** After a failure: what arrived since the last write (best effort; the stream's error matters more). */
  async flush(): Promise<void> {
    this.stop();
    if (this.changed()) this.write();
    await this.chain;
  }

  /** The stream ended: no more writes (the caller keeps the whole answer itself). */
  async settled(): Promise<void> {
    this.stop();
    await this.chain;
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private changed(): boolean {
    return this.outcome.text.length !== this.keptLength;
  }

  private write(): void {
    this.keptLength = this.outcome.text.length;
    const snapshot: PartialAnswer = { ...this.outcome, ended: false };
    this.chain = this.chain.then(() => this.options.keep(snapshot)).catch(() => undefined);
  }
}
