import type { Lang } from "../core/conversation/language.js";
import { text } from "../core/conversation/texts.js";
import { isLongGeneration, toolLabel } from "../core/conversation/tool-labels.js";
import type { MessageStream } from "../core/nemo/message-stream.js";
import type { ProgressMessage } from "./progress-message.js";

export interface StreamOutcome {
  /** All text the backend said, in order. */
  text: string;
  /** A generation finished during the stream (its raw video was reported). */
  rawVideoReported: boolean;
  /** Post-production (music and title) ran after the generation. */
  postProduction: boolean;
}

/**
 * Reads one message stream into the thread: tool calls become progress labels, "still working" shows
 * every `stillWorkingMs`, a finished generation is reported at once (the first of the two stages).
 */
export async function followStream(
  stream: MessageStream,
  lang: Lang,
  progress: ProgressMessage,
  stillWorkingMs: number,
): Promise<StreamOutcome> {
  const outcome: StreamOutcome = { text: "", rawVideoReported: false, postProduction: false };
  const started = Date.now();
  let label = text(lang, "ack");
  // Text after a tool call or result is a new message of the backend: keep it a paragraph of its own.
  let newParagraph = false;
  const still = setInterval(() => {
    const minutes = Math.max(1, Math.round((Date.now() - started) / 60_000));
    progress.update({ progress: `${label}\n${text(lang, "still_working", { minutes })}` });
  }, stillWorkingMs);
  try {
    for await (const event of stream) {
      switch (event.kind) {
        case "tool_call":
          newParagraph = true;
          label = toolLabel(event.name, lang);
          if (outcome.rawVideoReported && /post|music|bgm|title/i.test(event.name))
            outcome.postProduction = true;
          progress.update({ progress: label });
          break;
        case "tool_result":
          newParagraph = true;
          if (isLongGeneration(event.name) && !outcome.rawVideoReported) {
            // First of the two reports: the acknowledgement says the raw video is ready; the rest is a new message.
            outcome.rawVideoReported = true;
            await progress.finish({ progress: text(lang, "raw_video_ready") });
            progress.detach();
          }
          break;
        case "text":
          if (newParagraph && outcome.text.trim()) outcome.text += "\n\n";
          newParagraph = false;
          outcome.text += event.text;
          break;
        case "heartbeat":
          break;
      }
    }
  } finally {
    clearInterval(still);
  }
  return outcome;
}
