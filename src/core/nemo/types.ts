/** Where a conversation lives; sent to the backend as `X-Skill-Platform`. */
export type Platform = "discord" | "slack" | "console";

/** One segment of a draft track (short keys as the backend writes them). */
export interface DraftSegment {
  /** Duration in ms. */
  d?: number;
  /** Start on the timeline in ms (absent: right after the previous segment). */
  s?: number;
  /** Metadata: `title`, `name`, `text`, `volume` (0–1 or 0–100), `width`, `height`, … */
  m?: Record<string, unknown>;
  [key: string]: unknown;
}

/** One draft track: `tt` 0 video, 1 audio/BGM, 7 text/title. */
export interface DraftTrack {
  tt: number;
  sg?: DraftSegment[];
  m?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The editor timeline. Ready to export when a track has at least one segment. */
export interface Draft {
  t?: DraftTrack[];
  m?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface VideoInfo {
  url?: string;
  filename?: string;
  duration?: number;
  width?: number;
  height?: number;
  [key: string]: unknown;
}

export interface GeneratedMedia {
  type?: string;
  url?: string;
  [key: string]: unknown;
}

/** `GET /api/state/.../latest`, normalised. */
export interface NemoState {
  draft: Draft | null;
  videoInfos: VideoInfo[];
  canvasConfig: Record<string, unknown> | null;
  generatedMedia: GeneratedMedia[];
}

export interface SessionInfo {
  taskId: string;
  sessionId: string;
  userId: string;
}

export interface Credits {
  available: number;
  frozen: number;
  total: number;
}

/** A file accepted by the upload endpoint. */
export interface UploadedFile {
  filename: string;
  fileType: string;
  cdnUrl: string;
  /** Seconds. */
  duration?: number;
  width?: number;
  height?: number;
}

export type ExportPhase = "pending" | "processing" | "completed" | "failed";

/** Both render-status response forms, normalised. */
export interface ExportStatus {
  id: string;
  status: ExportPhase;
  /** 0–100. */
  progress: number;
  outputUrl?: string;
  error?: string;
}

/** Normalised events of the `/run_sse` stream (both payload dialects). */
export type NemoEvent =
  /** A piece of text to append to what the user sees (never repeated). */
  | { kind: "text"; text: string }
  | { kind: "tool_call"; name: string; args: Record<string, unknown> }
  | { kind: "tool_result"; name: string; result: unknown }
  /** Any keep-alive: comment line, empty data, typed heartbeat. */
  | { kind: "heartbeat" };
