import { isRecord } from "./envelope.js";
import type { Draft, ExportPhase, ExportStatus, NemoState, UploadedFile } from "./types.js";

/** `data.state` of the state endpoint, with both snake_case and camelCase keys accepted. */
export function normalizeState(raw: unknown): NemoState {
  const state = isRecord(raw) ? raw : {};
  const draft = state.draft;
  return {
    draft: isRecord(draft) ? (draft as Draft) : null,
    videoInfos: records(state.video_infos ?? state.videoInfos),
    canvasConfig: recordOrNull(state.canvas_config ?? state.canvasConfig),
    generatedMedia: records(state.generated_media ?? state.generatedMedia),
  };
}

export function normalizeUploadedFiles(raw: unknown): UploadedFile[] {
  return records(raw).map((file) => {
    const out: UploadedFile = {
      filename: String(file.filename ?? file.name ?? ""),
      fileType: String(file.file_type ?? file.fileType ?? ""),
      cdnUrl: String(file.cdn_url ?? file.cdnUrl ?? file.url ?? ""),
    };
    const duration = numberOrUndefined(file.duration);
    const width = numberOrUndefined(file.width);
    const height = numberOrUndefined(file.height);
    if (duration !== undefined) out.duration = duration;
    if (width !== undefined) out.width = width;
    if (height !== undefined) out.height = height;
    return out;
  });
}

const PHASES: readonly ExportPhase[] = ["pending", "processing", "completed", "failed"];

/**
 * Both poll forms: top-level `status` + `output.url`, or `data.status` + `data.outputUrl`.
 * Unknown statuses are mapped conservatively (`queued` → pending, `success`/`done` → completed).
 */
export function normalizeExportStatus(id: string, body: Record<string, unknown>): ExportStatus {
  const data = isRecord(body.data) ? body.data : {};
  const pick = (key: string): unknown => body[key] ?? data[key];
  const status = phase(pick("status"));
  const output = pick("output");
  const outputUrl =
    (isRecord(output) && typeof output.url === "string" ? output.url : undefined) ??
    stringOrUndefined(pick("outputUrl") ?? pick("output_url") ?? pick("url"));
  const progress = numberOrUndefined(pick("progress")) ?? (status === "completed" ? 100 : 0);
  const error = stringOrUndefined(pick("error") ?? pick("message"));
  const result: ExportStatus = { id, status, progress: Math.max(0, Math.min(100, progress)) };
  if (outputUrl) result.outputUrl = outputUrl;
  if (error && status === "failed") result.error = error;
  return result;
}

function phase(value: unknown): ExportPhase {
  const text = String(value ?? "pending").toLowerCase();
  if ((PHASES as readonly string[]).includes(text)) return text as ExportPhase;
  if (["success", "succeeded", "done", "finished", "complete"].includes(text)) return "completed";
  if (["error", "cancelled", "canceled", "failure"].includes(text)) return "failed";
  if (["running", "rendering", "in_progress"].includes(text)) return "processing";
  return "pending";
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function recordOrNull(value: unknown): Record<string, unknown> | null {
  return isRecord(value) ? value : null;
}

function numberOrUndefined(value: unknown): number | undefined {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}
