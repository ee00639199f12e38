import type { Intent, ReplyLanguage } from "./intents.js";
import { shorten, titleCase } from "./intents.js";
import { REPLIES } from "./replies.js";
import { frameOf } from "./settings-line.js";
import {
  findTrack,
  hasVideo,
  type PendingQuestion,
  putTrack,
  removeTracks,
  type Session,
  singleSegmentTrack,
  TRACK_AUDIO,
  TRACK_TEXT,
  TRACK_VIDEO,
  videoLengthMs,
} from "./state.js";

/** One beat of a reply: something streamed, time passing, or a change to the state. */
export type Step =
  | { kind: "text"; text: string }
  | { kind: "tool-call"; name: string; args: Record<string, unknown> }
  | { kind: "tool-result"; name: string; result: Record<string, unknown> }
  | { kind: "work"; ms: number }
  | { kind: "effect"; apply: () => void };

/** The credits of the account a turn is charged to: frozen when work starts, spent when it is done. */
export interface Charge {
  freeze(amount: number): void;
  spend(amount: number): void;
}

/** The simulator knobs a script follows. */
export interface ScriptOptions {
  generationCost: number;
  editCost: number;
  generationMs: number;
  editMs: number;
  silentEdits: boolean;
}

export interface ScriptEnv {
  session: Session;
  charge: Charge;
  options: ScriptOptions;
  baseUrl: string;
  /** Language of the replies (default English). */
  lang?: ReplyLanguage;
}

const GENERATED_MS = 10_000;
const TITLE_MS = 3_000;

function generation(prompt: string, env: ScriptEnv): Step[] {
  const { session, charge, options } = env;
  const replies = REPLIES[env.lang ?? "en"];
  const cost = options.generationCost;
  const state = session.state;
  const short = shorten(prompt);
  const title = titleCase(short);
  const url = `${env.baseUrl}/files/gen_${session.id}_${state.generated_media.length + 1}.mp4`;
  // Settings (issue 21): the frame and length a settings line chose (16:9 and 10 s otherwise).
  const ratio = session.settings?.ratio;
  const { width, height } = frameOf(ratio);
  const lengthMs = (session.settings?.lengthSeconds ?? GENERATED_MS / 1000) * 1000;
  return [
    { kind: "effect", apply: () => charge.freeze(cost) },
    { kind: "tool-call", name: "generate_video", args: { prompt } },
    { kind: "work", ms: options.generationMs },
    {
      kind: "effect",
      apply: () => {
        charge.spend(cost);
        putTrack(state, singleSegmentTrack(TRACK_VIDEO, lengthMs, { title: short, width, height }));
        state.video_infos.push({
          url,
          filename: url.slice(url.lastIndexOf("/") + 1),
          duration: lengthMs / 1000,
          width,
          height,
        });
        if (ratio) {
          state.canvas_config = { width, height, ratio };
          if (state.draft) state.draft.m = { ...state.draft.m, ratio, width, height };
        }
        state.generated_media.push({ type: "video", url, prompt });
      },
    },
    { kind: "tool-result", name: "generate_video", result: { status: "success", video_url: url } },
    { kind: "text", text: ratio ? replies.videoReadyIn(ratio, width, height) : replies.videoReady },
    { kind: "tool-call", name: "add_post_production", args: { music: "Lo-fi", title } },
    { kind: "work", ms: options.editMs },
    {
      kind: "effect",
      apply: () => {
        const length = videoLengthMs(state) || GENERATED_MS;
        putTrack(state, singleSegmentTrack(TRACK_AUDIO, length, { name: "Lo-fi", volume: 35 }));
        putTrack(state, singleSegmentTrack(TRACK_TEXT, TITLE_MS, { title }));
      },
    },
    { kind: "tool-result", name: "add_post_production", result: { status: "success" } },
    { kind: "text", text: replies.postProduction },
  ];
}

/** (credits frozen,) tool call, work, effect (credits spent), tool result, then the text unless edits are silent. */
function edit(
  env: ScriptEnv,
  tool: string,
  args: Record<string, unknown>,
  apply: () => void,
  text: string,
): Step[] {
  const { charge } = env;
  const cost = env.options.editCost;
  const steps: Step[] = [
    ...(cost > 0 ? [{ kind: "effect", apply: () => charge.freeze(cost) } as const] : []),
    { kind: "tool-call", name: tool, args },
    { kind: "work", ms: env.options.editMs },
    {
      kind: "effect",
      apply: () => {
        if (cost > 0) charge.spend(cost);
        apply();
      },
    },
    { kind: "tool-result", name: tool, result: { status: "success" } },
  ];
  if (!env.options.silentEdits) steps.push({ kind: "text", text });
  return steps;
}

function say(text: string): Step[] {
  return [{ kind: "text", text }];
}

/** The steps answering one message. */
export function buildScript(intent: Intent, env: ScriptEnv): Step[] {
  const state = env.session.state;
  const replies = REPLIES[env.lang ?? "en"];
  switch (intent.kind) {
    case "generate":
      return generation(intent.prompt, env);
    case "title":
      return edit(
        env,
        "add_title",
        { title: intent.title },
        () => putTrack(state, singleSegmentTrack(TRACK_TEXT, TITLE_MS, { title: intent.title })),
        replies.titleAdded(intent.title),
      );
    case "music":
      return edit(
        env,
        "add_music",
        { name: "Upbeat", volume: 35 },
        () =>
          putTrack(
            state,
            singleSegmentTrack(TRACK_AUDIO, videoLengthMs(state) || GENERATED_MS, {
              name: "Upbeat",
              volume: 35,
            }),
          ),
        replies.musicAdded,
      );
    case "remove-title":
      if (!findTrack(state, TRACK_TEXT)) return say(replies.noTitle);
      return edit(env, "remove_title", {}, () => removeTracks(state, TRACK_TEXT), replies.titleRemoved);
    case "trim": {
      if (!hasVideo(state)) return say(replies.nothingToTrim);
      const length = videoLengthMs(state);
      const targetMs = intent.toSeconds === undefined ? length / 2 : intent.toSeconds * 1000;
      if (targetMs >= length) return say(replies.alreadyShort(length / 1000));
      const factor = targetMs / length;
      return edit(
        env,
        "trim_video",
        intent.toSeconds === undefined ? { factor } : { duration: intent.toSeconds },
        () => trim(env.session, factor),
        replies.trimmed(Math.round(targetMs) / 1000),
      );
    }
    case "chat":
      return say(replies.chat(intent.text));
    // Quick replies: the question is pending once asked; the next message answers it
    case "ask-style":
      return [ask(env.session, { kind: "style", prompt: intent.prompt }), ...say(replies.askStyle)];
    case "ask-music":
      return [ask(env.session, { kind: "music" }), ...say(replies.askMusic)];
    case "no-music":
      return say(replies.noMusic);
  }
}

function ask(session: Session, question: PendingQuestion): Step {
  return { kind: "effect", apply: () => (session.question = question) };
}

/** Scales every video segment by `factor`; music longer than the video is cut to its length. */
function trim(session: Session, factor: number): void {
  const state = session.state;
  for (const segment of findTrack(state, TRACK_VIDEO)?.sg ?? []) {
    segment.d = Math.round((segment.d ?? 0) * factor);
  }
  const length = videoLengthMs(state);
  for (const segment of findTrack(state, TRACK_AUDIO)?.sg ?? []) {
    if ((segment.d ?? 0) > length) segment.d = length;
  }
}
