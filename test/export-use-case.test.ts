import { describe, expect, it } from "vitest";
import type { ExportDeps } from "../src/conversation/exports/export-deps.js";
import { Exports } from "../src/conversation/exports/exports.js";
import type { Reply } from "../src/core/conversation/reply.js";
import { silentLogger } from "../src/core/logger.js";
import type { MediaUrlPolicy } from "../src/core/media-url.js";
import { NemoUnavailableError } from "../src/core/nemo/errors.js";
import type { ExportStatus } from "../src/core/nemo/types.js";
import type { PendingExport } from "../src/store/export-store.js";

/** The export use case over fakes: no Redis, no queue, no timer; what it decides is what it writes. */
const TIMINGS = { exportPollMs: 1_000, exportPollMaxMs: 8_000, exportTimeoutMs: 3_600_000 };
const REF_KEY = "discord:g1:c1:t1";
const SESSION = {
  sessionId: "s1",
  taskId: "task1",
  language: "en",
  platform: "discord" as const,
  createdAt: 0,
  usedAt: 0,
};
const READY_DRAFT = { t: [{ tt: 0, sg: [{ id: "seg1" }] }] };

function rig(answers: (ExportStatus | Error)[], media?: MediaUrlPolicy) {
  const updates: { patch: Partial<PendingExport>; dueAt: number | undefined }[] = [];
  const finals: { messageId: string | undefined; reply: Reply; id: string }[] = [];
  const finished: string[] = [];
  const started: string[] = [];
  const remembered: string[] = [];
  const deps: ExportDeps = {
    client: {
      state: async () => ({ draft: READY_DRAFT, videoInfos: [], canvasConfig: null, generatedMedia: [] }),
      startExport: async (_ctx, _session, _draft, id) => {
        started.push(id!);
        return id!;
      },
      exportStatus: async () => {
        const answer = answers.shift();
        if (!answer) throw new Error("no more answers");
        if (answer instanceof Error) throw answer;
        return answer;
      },
      cancelExport: async () => undefined,
      downloadUrl: (id) => `https://backend.test/download/${id}`,
    },
    sessions: { find: async () => SESSION },
    calls: async (ref, signal) => ({ platform: ref.platform, signal }),
    projectLinks: {
      forFinished: async () => ({
        links: [{ label: "Open in NemoVideo", url: "https://nemo.test/project" }],
        actions: [],
      }),
      handOver: async () => undefined,
    },
    outbox: {
      post: async () => "m2",
      editOrPost: async (_ref, messageId) => messageId ?? "m2",
      deliverLater: async (_ref, messageId, reply, id) => void finals.push({ messageId, reply, id }),
    },
    store: {
      create: async () => true,
      claim: async () => ({ records: [], nextDue: undefined }),
      update: async (_id, patch, dueAt) => void updates.push({ patch, dueAt }),
      finish: async (record) => void finished.push(record.id),
      release: async () => undefined,
    },
    remember: async (_platform, userId, entry) => void remembered.push(`${userId}:${entry.fileName}`),
    timings: TIMINGS,
    logger: silentLogger(),
    media,
  };
  return { exports: new Exports(deps), updates, finals, finished, started, remembered };
}

function waiting(overrides: Partial<PendingExport> = {}): PendingExport {
  return {
    id: "render-1",
    refKey: REF_KEY,
    lang: "en",
    userId: "u1",
    ackMessageId: "m1",
    renderId: "r1",
    submission: 1,
    submittedAt: Date.now(),
    lastProgress: 10,
    interval: 4_000,
    cancelled: false,
    ...overrides,
  };
}

const signal = new AbortController().signal;
const status = (phase: ExportStatus["status"], progress: number, more: Partial<ExportStatus> = {}) => ({
  id: "r1",
  status: phase,
  progress,
  ...more,
});

describe("exports (the use case, over fakes)", () => {
  it("submits a new export once, recording its id before it leaves", async () => {
    const { exports, updates, started } = rig([]);
    const record = waiting({ renderId: undefined, lastProgress: 0, interval: TIMINGS.exportPollMaxMs });
    expect(await exports.poll(record, signal)).toBe("submitted");
    expect(started).toHaveLength(1);
    expect(updates[0]!.patch).toEqual({ submitting: started[0] });
    expect(updates[1]!.patch).toMatchObject({ renderId: started[0], interval: TIMINGS.exportPollMs });
  });

  it("polls sooner while progress moves and later while it stalls, within the bounds", async () => {
    const { exports, updates } = rig([status("processing", 40), status("processing", 40)]);
    const record = waiting();
    expect(await exports.poll(record, signal)).toBe("moving");
    expect(updates.at(-1)!.patch).toEqual({ lastProgress: 40, interval: 2_000 });
    expect(updates.at(-1)!.dueAt).toBeDefined();

    expect(await exports.poll({ ...record, lastProgress: 40, interval: 6_000 }, signal)).toBe("waiting");
    // A stalled poll writes only its interval (its claim already moved it), doubled up to the maximum.
    expect(updates.at(-1)).toEqual({ patch: { interval: 8_000 }, dueAt: undefined });
  });

  it("treats an unreachable backend while polling as a stall, not as the export's end", async () => {
    const { exports, finals } = rig([new NemoUnavailableError("502", true)]);
    expect(await exports.poll(waiting(), signal)).toBe("waiting");
    expect(finals).toEqual([]);
  });

  it("submits a failed render once more with a new id, then reports the second failure once", async () => {
    const { exports, started, finals, finished } = rig([
      status("failed", 0, { error: "encoder crashed" }),
      status("failed", 0, { error: "encoder crashed" }),
    ]);
    const record = waiting();
    expect(await exports.poll(record, signal)).toBe("submitted");
    expect(started).toHaveLength(1);
    expect(record.submission).toBe(2);
    expect(await exports.poll(record, signal)).toBe("failed");
    expect(finals.map((final) => final.id)).toEqual(["export-final-render-1"]);
    expect(finals[0]!.reply.tone).toBe("error");
    expect(finished).toEqual(["render-1"]);
  });

  it("finishes a completed export with the video, its project link and fallback, and the user's history", async () => {
    const url = "https://cdn.test/out/render_r1.mp4";
    const { exports, finals, finished, remembered } = rig([status("completed", 100, { outputUrl: url })]);
    expect(await exports.poll(waiting(), signal)).toBe("completed");
    expect(finals).toHaveLength(1);
    expect(finals[0]!.messageId).toBe("m1");
    expect(finals[0]!.reply.video).toEqual({
      url,
      fileName: "render_r1.mp4",
      fallbackUrl: "https://backend.test/download/r1",
    });
    expect(finals[0]!.reply.links).toEqual([{ label: expect.any(String), url: "https://nemo.test/project" }]);
    expect(remembered).toEqual(["u1:render_r1.mp4"]);
    expect(finished).toEqual(["render-1"]);
  });

  it("shows the download link instead of an output URL outside the backend's sites, and says so", async () => {
    const foreign = "https://bucket.storage.example/out/render_r1.mp4";
    const { exports, finals } = rig([status("completed", 100, { outputUrl: foreign })], {
      hosts: ["backend.test"],
    });
    expect(await exports.poll(waiting(), signal)).toBe("completed");
    const reply = finals[0]!.reply;
    expect(reply.video?.url).toBe("https://backend.test/download/r1");
    expect(reply.text).not.toContain(foreign);
    expect(reply.text).toContain("outside its own sites");
    // Within the sites: shown as given.
    const own = rig([status("completed", 100, { outputUrl: "https://cdn.backend.test/render_r1.mp4" })], {
      hosts: ["backend.test"],
    });
    await own.exports.poll(waiting(), signal);
    expect(own.finals[0]!.reply.video?.url).toBe("https://cdn.backend.test/render_r1.mp4");
  });

  it("reports a cancelled export as cancelled, not as failed", async () => {
    const { exports, finals } = rig([status("failed", 0, { error: "cancelled by user" })]);
    expect(await exports.poll(waiting({ cancelled: true }), signal)).toBe("cancelled");
    expect(finals).toHaveLength(1);
    expect(finals[0]!.reply.tone).toBeUndefined();
  });

  it("ends an export cancelled before it was submitted without submitting it", async () => {
    const { exports, finals, finished, started } = rig([]);
    const record = waiting({ renderId: undefined, cancelled: true, lastProgress: 0 });
    expect(await exports.poll(record, signal)).toBe("cancelled");
    expect(started).toEqual([]);
    expect(finals.map((final) => final.reply.text)).toEqual(["Export cancelled."]);
    expect(finished).toEqual([record.id]);
  });
});
