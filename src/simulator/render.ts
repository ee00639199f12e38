import type { ServerResponse } from "node:http";
import type { Call } from "./call.js";
import type { SimContext } from "./context.js";
import { sendMp4 } from "./files.js";
import { isUnattributed, readJsonObject, sendJson } from "./http-util.js";
import { advance, cancel, isFinal, type Render } from "./render-store.js";
import { isRenderable } from "./sessions/state.js";
import type { Fault } from "./types.js";

type RenderFail = Extract<Fault, { kind: "render-fail" }>;

function isRenderFail(fault: Fault): fault is RenderFail {
  return fault.kind === "render-fail";
}

function fail(res: ServerResponse, error: string, status = 200, extra: Record<string, unknown> = {}): void {
  sendJson(res, status, { success: false, error, ...extra });
}

/** `render_<id>.mp4`, without doubling the prefix of ids that already have it (`render_<time>_<random>`). */
function outputFileName(id: string): string {
  return `${id.startsWith("render_") ? id : `render_${id}`}.mp4`;
}

function outputUrl(ctx: SimContext, render: Render): string {
  return `${ctx.url}/files/${encodeURIComponent(outputFileName(render.id))}`;
}

/** `POST /api/render/proxy/lambda` {id, sessionId, draft, output} */
export async function handleRenderStart({ ctx, req, res, account, record }: Call): Promise<void> {
  const value = await readJsonObject(req, res, (res, error) => fail(res, error, 400));
  if (!value) return;
  const { id, sessionId, draft } = value;
  if (typeof sessionId === "string") record.sessionId = sessionId;
  if (ctx.options.exportBlocked || isUnattributed(req)) return fail(res, "export requires a paid plan", 402);
  if (
    typeof id !== "string" ||
    id === "" ||
    typeof sessionId !== "string" ||
    sessionId === "" ||
    draft == null
  ) {
    return fail(res, "missing id, sessionId or draft");
  }
  if (ctx.renders.has(id)) return fail(res, "duplicate render id");
  if (!ctx.sessions.owned(sessionId, account.id)) {
    return fail(res, "session not found", 200, { code: 1002, message: "session not found" });
  }
  if (!isRenderable(draft)) return fail(res, "nothing to render");
  const fault = ctx.faults.take("render-start", isRenderFail);
  const render = ctx.renders.create(
    id,
    sessionId,
    account.id,
    fault ? (fault.error ?? "render failed") : undefined,
  );
  sendJson(res, 200, { success: true, data: { id: render.id, status: render.status } });
}

function statusBody(ctx: SimContext, render: Render): Record<string, unknown> {
  const url = render.status === "completed" ? outputUrl(ctx, render) : undefined;
  const base = { id: render.id, status: render.status, progress: render.progress };
  if (ctx.options.renderForm === "data") {
    return {
      success: true,
      data: { ...base, ...(url ? { outputUrl: url } : {}), ...(render.error ? { error: render.error } : {}) },
    };
  }
  return {
    success: true,
    ...base,
    ...(url ? { output: { url } } : {}),
    ...(render.error ? { error: render.error } : {}),
  };
}

/** The caller's render named by the path (else answered "render not found"). */
function findRender({ ctx, res, account, param, record }: Call, notFoundStatus = 200): Render | undefined {
  const render = ctx.renders.owned(param, account.id);
  if (!render) {
    fail(res, "render not found", notFoundStatus);
    return undefined;
  }
  record.sessionId = render.sessionId;
  return render;
}

/** `GET /api/render/proxy/lambda/<id>`: every poll advances the render. */
export function handleRenderStatus(call: Call): void {
  const render = findRender(call);
  if (!render) return;
  advance(render, call.ctx.options.renderSteps);
  sendJson(call.res, 200, statusBody(call.ctx, render));
}

/** `POST /api/render/proxy/lambda/<id>/cancel`: a running render fails with "cancelled". */
export function handleRenderCancel(call: Call): void {
  const render = findRender(call);
  if (!render) return;
  // Cancelling a finished render is a successful no-op (a completed render stays completed).
  if (!isFinal(render)) cancel(render);
  sendJson(call.res, 200, { success: true });
}

/** `GET /api/render/proxy/<id>/download`: the MP4 of a completed render. */
export function handleDownload(call: Call): void {
  const render = findRender(call, 404);
  if (!render) return;
  if (render.status === "completed") sendMp4(call.req, call.res, outputFileName(render.id));
  else fail(call.res, "render not completed", 409);
}
