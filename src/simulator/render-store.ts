import type { ExportPhase } from "../core/nemo/types.js";

export interface Render {
  id: string;
  sessionId: string;
  userId: string;
  status: ExportPhase;
  progress: number;
  polls: number;
  /** Set by a render-fail fault: the error of the last poll. */
  failWith?: string;
  error?: string;
}

/** Renders and their poll-driven lifecycle. */
export class RenderStore {
  private readonly renders = new Map<string, Render>();

  has(id: string): boolean {
    return this.renders.has(id);
  }

  create(id: string, sessionId: string, userId: string, failWith?: string): Render {
    const render: Render = { id, sessionId, userId, status: "pending", progress: 0, polls: 0 };
    if (failWith !== undefined) render.failWith = failWith;
    this.renders.set(id, render);
    return render;
  }

  /** The render if it exists and belongs to `userId`. */
  owned(id: string, userId: string): Render | undefined {
    const render = this.renders.get(id);
    return render && render.userId === userId ? render : undefined;
  }
}

export function isFinal(render: Render): boolean {
  return render.status === "completed" || render.status === "failed";
}

/**
 * One poll: pending (0) at the first, processing with rising progress, then completed (or failed, with a
 * render-fail fault) at poll `steps`.
 */
export function advance(render: Render, steps: number): void {
  if (isFinal(render)) return;
  const total = Math.max(1, Math.floor(steps));
  render.polls += 1;
  if (render.polls >= total) {
    if (render.failWith !== undefined) {
      render.status = "failed";
      render.error = render.failWith;
    } else {
      render.status = "completed";
      render.progress = 100;
    }
  } else if (render.polls === 1) {
    render.status = "pending";
    render.progress = 0;
  } else {
    render.status = "processing";
    render.progress = Math.min(99, Math.round(((render.polls - 1) / (total - 1)) * 100));
  }
}

export function cancel(render: Render): void {
  render.status = "failed";
  render.error = "cancelled";
}
