import { randomInt } from "node:crypto";
import type { Draft, DraftSegment, DraftTrack, GeneratedMedia, VideoInfo } from "../../core/nemo/types.js";
import type { SimSettings } from "./settings-line.js";

/** A long numeric id (19 digits, no leading zero), as the backend's session ids. */
function numericId(): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < 19) digits += String(randomInt(0, 10));
  return digits;
}

/** Track types of the draft. */
export const TRACK_VIDEO = 0;
export const TRACK_AUDIO = 1;
export const TRACK_TEXT = 7;

/** The session state as `GET /api/state/.../latest` returns it (snake_case). */
export interface SessionState {
  draft: Draft | null;
  video_infos: VideoInfo[];
  /** Settings (issue 21): `ratio` once a settings line chose one. */
  canvas_config: { width: number; height: number; ratio?: string };
  generated_media: GeneratedMedia[];
}

/** A question the simulated agent asked and waits an answer to (questions.ts). */
export type PendingQuestion = { kind: "style"; prompt: string } | { kind: "music" };

export interface Session {
  id: string;
  taskId: string;
  userId: string;
  taskName: string;
  language: string;
  /** run_sse messages taken for processing. */
  runSseCount: number;
  /** run_sse requests answered by a fault or an outage instead. */
  runSseRefused: number;
  /** Dropped sessions answer 1002 but keep their run_sse count for assertions. */
  dropped: boolean;
  state: SessionState;
  /** Settings (issue 21): what the messages' settings lines asked for (the latest of each). */
  settings?: SimSettings;
  /** A question the agent asked, answered by the session's next message (questions.ts). */
  question?: PendingQuestion | undefined;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  create(userId: string, taskName: string, language: string): Session {
    const session: Session = {
      id: numericId(),
      taskId: numericId(),
      userId,
      taskName,
      language,
      runSseCount: 0,
      runSseRefused: 0,
      dropped: false,
      state: {
        draft: null,
        video_infos: [],
        canvas_config: { width: 1920, height: 1080 },
        generated_media: [],
      },
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** A live (not dropped) session. */
  get(sessionId: string): Session | undefined {
    const session = this.sessions.get(sessionId);
    return session && !session.dropped ? session : undefined;
  }

  /** The session if it exists and belongs to `userId`. */
  owned(sessionId: string, userId: string): Session | undefined {
    const session = this.get(sessionId);
    return session && session.userId === userId ? session : undefined;
  }

  drop(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (session) session.dropped = true;
  }

  /** Valid run_sse requests that named the session (dropped sessions included). */
  runSseCount(sessionId: string): number {
    return this.sessions.get(sessionId)?.runSseCount ?? 0;
  }

  /** Counts a refused run_sse request naming the session (dropped sessions included). */
  countRefused(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (session) session.runSseRefused += 1;
  }

  runSseCounts(sessionId: string): { accepted: number; refused: number } {
    const session = this.sessions.get(sessionId);
    return { accepted: session?.runSseCount ?? 0, refused: session?.runSseRefused ?? 0 };
  }

  ids(): string[] {
    return [...this.sessions.values()].filter((session) => !session.dropped).map((session) => session.id);
  }
}

function tracks(state: SessionState): DraftTrack[] {
  state.draft ??= { t: [] };
  state.draft.t ??= [];
  return state.draft.t;
}

export function findTrack(state: SessionState, type: number): DraftTrack | undefined {
  return state.draft?.t?.find((track) => track.tt === type);
}

/** Replaces the track of the same type (or appends it), keeping the order video, audio, text. */
export function putTrack(state: SessionState, track: DraftTrack): void {
  const list = tracks(state);
  const index = list.findIndex((existing) => existing.tt === track.tt);
  if (index >= 0) list[index] = track;
  else {
    list.push(track);
    list.sort((a, b) => a.tt - b.tt);
  }
}

/** Removes the tracks of a type; true when one was removed. */
export function removeTracks(state: SessionState, type: number): boolean {
  const list = state.draft?.t;
  if (!list) return false;
  const kept = list.filter((track) => track.tt !== type);
  if (kept.length === list.length) return false;
  list.splice(0, list.length, ...kept);
  return true;
}

/** A track with one segment starting at 0. */
export function singleSegmentTrack(
  type: number,
  durationMs: number,
  meta: Record<string, unknown>,
): DraftTrack {
  const segment: DraftSegment = { s: 0, d: durationMs, m: meta };
  return { tt: type, sg: [segment] };
}

/** Total length of the video track in ms (0 when there is none). */
export function videoLengthMs(state: SessionState): number {
  const segments = findTrack(state, TRACK_VIDEO)?.sg ?? [];
  return segments.reduce((sum, segment) => sum + (segment.d ?? 0), 0);
}

export function hasVideo(state: SessionState): boolean {
  return (findTrack(state, TRACK_VIDEO)?.sg?.length ?? 0) > 0;
}

/** A draft is renderable when a track has at least one segment. */
export function isRenderable(draft: unknown): boolean {
  if (typeof draft !== "object" || draft === null) return false;
  const list = (draft as Draft).t;
  return Array.isArray(list) && list.some((track) => Array.isArray(track?.sg) && track.sg.length > 0);
}
