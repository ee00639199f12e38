import { errorCode, errorField } from "../../core/error-code.js";
import type { Logger } from "../../core/logger.js";
import type { NemoState, UploadedFile, VideoInfo } from "../../core/nemo/types.js";
import { acceptedExtension } from "../../core/nemo/upload-rules.js";
import type { UploadMarker } from "../../store/upload-marker.js";

/** Audio never shows in `video_infos`: its arrival cannot be checked there. */
const AUDIO_EXTENSIONS = new Set(["mp3", "wav", "m4a", "aac"]);

/** One file of one upload job, and how to reach the backend for it. */
export interface FileToUpload {
  marker: UploadMarker;
  inboundId: string;
  index: number;
  /** The attachment's name, and the last segment of its URL (the name the backend sees for URL uploads). */
  names: string[];
  /** The thread's current session. */
  sessionId: string;
  /** How long a retaken job waits, after first finding no trace of an earlier attempt, before re-sending. */
  settleMs: number;
  state(sessionId: string): Promise<NemoState>;
  send(sessionId: string): Promise<UploadedFile[]>;
  /** After a 1002: starts a new session for the thread (telling the user) and resolves to its id. */
  restartSession(): Promise<string>;
  log: Logger;
}

/** The file is at the backend (these are its details), or the job must look again at `retryAt`. */
export type UploadOnceResult = { files: UploadedFile[] } | { retryAt: number };

/**
 * Sends one file so that the backend ends up with exactly one copy, whatever happened to earlier attempts
 * (a worker killed mid-upload, a lost answer): a confirmed file is not sent again; after an attempt that
 * may have reached the backend, its `video_infos` decide (one more matching entry than before = it
 * arrived); only a file the backend provably or evidently never got is sent again.
 */
export async function uploadOnce(file: FileToUpload): Promise<UploadOnceResult> {
  const record = await file.marker.read(file.inboundId, file.index);
  if (record?.status === "confirmed") return { files: record.files };
  if (record?.status === "sending") {
    const arrived = await findArrival(file, record.sessionId, record.knownBefore);
    if (arrived) return confirm(file, record.sessionId, arrived);
    if (arrived === undefined) {
      // The request may still be being processed at the backend: look once more after a settle time.
      const now = Date.now();
      if (record.absentSince === undefined) {
        await file.marker.write(file.inboundId, file.index, { ...record, absentSince: now });
        return { retryAt: now + file.settleMs };
      }
      if (now < record.absentSince + file.settleMs) return { retryAt: record.absentSince + file.settleMs };
    }
    file.log.info({ file: file.names[0], verifiable: arrived !== null }, "upload-not-arrived-sending-again");
  }
  return send(file, file.sessionId, true);
}

async function send(file: FileToUpload, sessionId: string, mayRestart: boolean): Promise<UploadOnceResult> {
  let knownBefore: number;
  try {
    knownBefore = matching((await file.state(sessionId)).videoInfos, file.names).length;
  } catch (error) {
    if (!mayRestart || errorCode(error) !== "NEMO_SESSION_NOT_FOUND") throw error;
    return send(file, await file.restartSession(), false);
  }
  await file.marker.write(file.inboundId, file.index, {
    status: "sending",
    sessionId,
    startedAt: Date.now(),
    knownBefore,
  });
  let files: UploadedFile[];
  try {
    files = await file.send(sessionId);
  } catch (error) {
    if (!mayHaveReachedBackend(error)) {
      await file.marker.forget(file.inboundId, file.index);
      // 1002: the project is gone; start a new one for the thread (docs/backend-protocol.md).
      if (mayRestart && errorCode(error) === "NEMO_SESSION_NOT_FOUND") {
        return send(file, await file.restartSession(), false);
      }
      throw error;
    }
    // The answer was lost, not necessarily the file: the state says whether it arrived.
    const arrived = await findArrival(file, sessionId, knownBefore).catch(() => undefined);
    if (arrived) return confirm(file, sessionId, arrived);
    throw error;
  }
  return confirm(file, sessionId, files);
}

async function confirm(
  file: FileToUpload,
  sessionId: string,
  files: UploadedFile[],
): Promise<UploadOnceResult> {
  await file.marker.write(file.inboundId, file.index, { status: "confirmed", sessionId, files });
  return { files };
}

/**
 * The file as the backend lists it when it arrived; undefined when it did not (yet); null when this
 * cannot be known (audio, or the session is gone: either way it must be sent, to the current session).
 */
async function findArrival(
  file: FileToUpload,
  sessionId: string,
  knownBefore: number,
): Promise<UploadedFile[] | undefined | null> {
  const ext = acceptedExtension(file.names[0] ?? "");
  if (ext && AUDIO_EXTENSIONS.has(ext)) return null;
  let state: NemoState;
  try {
    state = await file.state(sessionId);
  } catch (error) {
    if (errorCode(error) === "NEMO_SESSION_NOT_FOUND") return null;
    throw error;
  }
  const found = matching(state.videoInfos, file.names);
  const info = found[knownBefore];
  if (!info) return undefined;
  return [
    {
      filename: info.filename ?? file.names[0] ?? "",
      fileType: typeof info.type === "string" ? info.type : "",
      cdnUrl: info.url ?? "",
      ...(typeof info.duration === "number" ? { duration: info.duration } : {}),
      ...(typeof info.width === "number" ? { width: info.width } : {}),
      ...(typeof info.height === "number" ? { height: info.height } : {}),
    },
  ];
}

function matching(infos: VideoInfo[], names: string[]): VideoInfo[] {
  return infos.filter((info) => typeof info.filename === "string" && names.includes(info.filename));
}

/** False when the backend provably did not take the upload (a refusal, or it was never reached). */
function mayHaveReachedBackend(error: unknown): boolean {
  const code = errorCode(error);
  if (code === "NEMO_UNAVAILABLE") return errorField(error, "requestMayHaveReached") !== false;
  return code === "NEMO_STREAM_DROPPED" || code === "NEMO_ABORTED" || typeof code !== "string";
}
