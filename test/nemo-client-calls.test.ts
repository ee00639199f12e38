import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryStore } from "../src/core/kv-store.js";
import { NemoClient } from "../src/core/nemo/client.js";
import type { Platform } from "../src/core/nemo/types.js";
import { assertUploadable } from "../src/core/nemo/upload-rules.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../src/core/package-info.js";
import { clientFor, collect, rejection, requestsTo, simulatorAndClient } from "./helpers/nemo-fixtures.js";

const ctx = { platform: "slack" as const };
const disposers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

async function setup(...args: Parameters<typeof simulatorAndClient>) {
  const fixture = await simulatorAndClient(...args);
  disposers.push(fixture.dispose);
  return fixture;
}

function bytes(text: string): () => Iterable<Uint8Array> {
  return () => [Buffer.from(text)];
}

async function waitForRender(client: NemoClient, id: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const status = await client.exportStatus(ctx, id);
    if (status.status === "completed" || status.status === "failed" || Date.now() > deadline) return status;
  }
}

describe("tokens", () => {
  it("obtains an anonymous token with a persisted client id and reuses both", async () => {
    const { sim, client } = await setup();
    const store = new MemoryStore();
    const first = clientFor(sim, { store });
    await first.credits(ctx);
    await first.credits(ctx);
    await first.close();
    const second = clientFor(sim, { store });
    await second.credits(ctx);
    await second.close();
    const tokenCalls = sim.requests.filter((request) => request.path === "/api/auth/anonymous-token");
    expect(tokenCalls).toHaveLength(1);
    const clientId = tokenCalls[0]!.headers["x-client-id"];
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await store.get("nemo:client-id")).toBe(clientId);
    await client.close();
  });

  it("uses NEMO_CLIENT_ID when given", async () => {
    const { sim } = await setup();
    const client = clientFor(sim, { clientId: "11111111-2222-3333-4444-555555555555" });
    await client.credits(ctx);
    await client.close();
    expect(sim.requests[0]!.headers["x-client-id"]).toBe("11111111-2222-3333-4444-555555555555");
  });

  it("collapses concurrent refreshes into one token request (1001 over HTTP 401)", async () => {
    const { sim, client } = await setup({ authErrorForm: "http" });
    await client.credits(ctx);
    sim.expireTokens();
    await Promise.all(Array.from({ length: 10 }, () => client.credits(ctx)));
    expect(requestsTo(sim, "/api/auth/anonymous-token")).toBe(2);
  });

  it("uses an operator token as is and reports it when rejected, without anonymous calls", async () => {
    const { sim } = await setup();
    const issued = await fetch(`${sim.url}/api/auth/anonymous-token`, {
      method: "POST",
      headers: { "x-client-id": "operator-client" },
    });
    const token = ((await issued.json()) as { data: { token: string } }).data.token;
    const client = clientFor(sim, { token });
    disposers.push(() => client.close());
    expect((await client.credits(ctx)).available).toBeGreaterThan(0);
    sim.expireTokens();
    const error = await rejection(client.credits(ctx));
    expect(error.code).toBe("NEMO_AUTH");
    expect((error as unknown as { operatorToken: boolean }).operatorToken).toBe(true);
    expect(requestsTo(sim, "/api/auth/anonymous-token")).toBe(1);
  });
});

describe("calls", () => {
  it("creates a session in the conversation's language", async () => {
    const { sim, client } = await setup();
    const session = await client.createSession(ctx, "zh-CN");
    expect(session.sessionId).toMatch(/^\d{10,}$/);
    expect(session.taskId).toBeTruthy();
    expect(sim.sessions()).toContain(session.sessionId);
  });

  it("reads credits", async () => {
    const { client } = await setup({ credits: 42 });
    expect(await client.credits(ctx)).toEqual({ available: 42, frozen: 0, total: 42 });
  });

  it("reads an empty state, then a typed draft after a generation", async () => {
    const { client } = await setup();
    const { sessionId } = await client.createSession(ctx, "en");
    const empty = await client.state(ctx, sessionId);
    expect(empty.draft).toBeNull();
    expect(empty.videoInfos).toEqual([]);
    await collect(client.sendMessage(ctx, sessionId, "generate a video of a sunset"));
    const state = await client.state(ctx, sessionId);
    expect(state.draft?.t?.[0]?.sg?.[0]?.d).toBeGreaterThan(0);
    expect(state.videoInfos.length).toBeGreaterThan(0);
    expect(state.generatedMedia.length).toBeGreaterThan(0);
    expect(state.canvasConfig).toMatchObject({ width: 1920, height: 1080 });
  });

  it("uploads several streamed files in one multipart request", async () => {
    const { client } = await setup();
    const { sessionId } = await client.createSession(ctx, "en");
    const files = await client.upload(ctx, sessionId, {
      files: [
        { name: "clip.mp4", contentType: "video/mp4", size: 5, open: bytes("12345") },
        { name: "song.mp3", contentType: "audio/mpeg", open: bytes("abc") },
      ],
    });
    expect(files.map((file) => file.filename)).toEqual(["clip.mp4", "song.mp3"]);
    expect(files[0]).toMatchObject({ fileType: "video", width: 1920, height: 1080 });
    expect(files[0]!.cdnUrl).toMatch(/^http/);
    expect(files[0]!.duration).toBeGreaterThan(0);
  });

  it("hands the backend URLs to fetch itself", async () => {
    const { sim, client } = await setup();
    const { sessionId } = await client.createSession(ctx, "en");
    const files = await client.upload(ctx, sessionId, { urls: ["https://cdn.example/media/intro.mov"] });
    expect(files[0]!.filename).toBe("intro.mov");
    expect(sim.requests.at(-1)!.headers["content-type"]).toContain("application/json");
  });

  it("raises 4001 for an unsupported type, and the pre-check does so without a round trip", async () => {
    const { client } = await setup();
    const { sessionId } = await client.createSession(ctx, "en");
    const error = await rejection(
      client.upload(ctx, sessionId, { files: [{ name: "notes.txt", open: bytes("x") }] }),
    );
    expect(error.code).toBe("NEMO_UNSUPPORTED_FILE");
    expect((error as { backendCode?: number }).backendCode).toBe(4001);
    expect((error as unknown as { accepted: string[] }).accepted).toContain("mp4");
    expect(() => assertUploadable({ name: "notes.txt" })).toThrow(
      expect.objectContaining({ code: "NEMO_UNSUPPORTED_FILE" }),
    );
    expect(() => assertUploadable({ name: "a.mp4", size: 2_000 }, 1_000)).toThrow(
      expect.objectContaining({ code: "NEMO_FILE_TOO_LARGE" }),
    );
    expect(() => assertUploadable({ name: "clip", contentType: "video/mp4", size: 10 })).not.toThrow();
  });

  it("raises 4002 for a file over the deployment's limit", async () => {
    const { client } = await setup({ uploadMaxBytes: 1_000 });
    const { sessionId } = await client.createSession(ctx, "en");
    const big = Buffer.alloc(4_000, 1);
    const error = await rejection(
      client.upload(ctx, sessionId, {
        files: [{ name: "big.mp4", contentType: "video/mp4", size: big.length, open: () => [big] }],
      }),
    );
    expect(error.code).toBe("NEMO_FILE_TOO_LARGE");
  });

  it("streams a 300 MB upload without buffering it (memory stays flat)", async () => {
    const { sim, client } = await setup({ uploadMaxBytes: 400 * 1024 * 1024 });
    const { sessionId } = await client.createSession(ctx, "en");
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const total = 300;
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    try {
      const files = await client.upload(ctx, sessionId, {
        files: [
          {
            name: "long.mp4",
            contentType: "video/mp4",
            size: total * chunk.length,
            open: () =>
              Readable.from(
                (function* () {
                  for (let i = 0; i < total; i++) yield chunk;
                })(),
              ),
          },
        ],
      });
      expect(files[0]!.filename).toBe("long.mp4");
    } finally {
      clearInterval(sampler);
    }
    const growthMb = (peak - baseline) / 1024 / 1024;
    console.log(
      `300 MB upload: RSS baseline ${(baseline / 1048576).toFixed(0)} MB, peak growth ${growthMb.toFixed(1)} MB`,
    );
    // Buffered, it would grow by the whole 300 MB; streamed, by the pipeline's windows (more under load).
    expect(growthMb).toBeLessThan(250);
    expect(Number(sim.requests.at(-1)!.headers["content-length"])).toBeGreaterThan(total * chunk.length);
  }, 60_000);

  for (const renderForm of ["output", "data"] as const) {
    it(`renders to a playable MP4 (${renderForm} response form)`, async () => {
      const { client } = await setup({ renderForm, renderSteps: 3 });
      const { sessionId } = await client.createSession(ctx, "en");
      await collect(client.sendMessage(ctx, sessionId, "generate a video of a sunset"));
      const { draft } = await client.state(ctx, sessionId);
      const id = await client.startExport(ctx, sessionId, draft!);
      expect(id).toMatch(/^render_/);
      const first = await client.exportStatus(ctx, id);
      expect(["pending", "processing"]).toContain(first.status);
      const done = await waitForRender(client, id);
      expect(done).toMatchObject({ status: "completed", progress: 100 });
      const video = await fetch(done.outputUrl!);
      expect(video.headers.get("content-type")).toBe("video/mp4");
      const head = Buffer.from(await video.arrayBuffer());
      expect(head.subarray(4, 8).toString("latin1")).toBe("ftyp");
    });
  }

  it("reports a failed render with its error, and cancels a running one", async () => {
    const { sim, client } = await setup({ renderSteps: 3 });
    const { sessionId } = await client.createSession(ctx, "en");
    await collect(client.sendMessage(ctx, sessionId, "generate a video of rain"));
    const { draft } = await client.state(ctx, sessionId);
    sim.inject("render-start", { kind: "render-fail", error: "encoder crashed" });
    const failing = await client.startExport(ctx, sessionId, draft!);
    const failed = await waitForRender(client, failing);
    expect(failed.status).toBe("failed");
    expect(failed.error).toContain("encoder crashed");
    const running = await client.startExport(ctx, sessionId, draft!);
    expect(running).not.toBe(failing);
    await client.cancelExport(ctx, running);
    expect((await client.exportStatus(ctx, running)).status).toBe("failed");
  });

  it("serves the download fallback for a finished render", async () => {
    const { client } = await setup({ renderSteps: 1 });
    const { sessionId } = await client.createSession(ctx, "en");
    await collect(client.sendMessage(ctx, sessionId, "generate a video of snow"));
    const { draft } = await client.state(ctx, sessionId);
    const id = await client.startExport(ctx, sessionId, draft!);
    await waitForRender(client, id);
    const url = client.downloadUrl(id);
    expect(url).toContain(`/api/render/proxy/${id}/download`);
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${await client.tokens.token()}` },
    });
    expect(response.status).toBe(200);
    expect(
      Buffer.from(await response.arrayBuffer())
        .subarray(4, 8)
        .toString("latin1"),
    ).toBe("ftyp");
  });

  it("explains 402 on export as an export block, not a credit problem", async () => {
    const { client } = await setup({ exportBlocked: true });
    const { sessionId } = await client.createSession(ctx, "en");
    await collect(client.sendMessage(ctx, sessionId, "generate a video"));
    const { draft } = await client.state(ctx, sessionId);
    const error = await rejection(client.startExport(ctx, sessionId, draft!));
    expect(error.code).toBe("NEMO_EXPORT_BLOCKED");
    expect((error as { status?: number }).status).toBe(402);
  });
});

describe("errors and retries", () => {
  it("waits out one 429 and retries once; a second 429 is reported", async () => {
    const { sim, client } = await setup();
    sim.inject("credits", { kind: "status", status: 429 });
    expect((await client.credits(ctx)).available).toBeGreaterThan(0);
    sim.inject("credits", { kind: "status", status: 429 }, 2);
    expect((await rejection(client.credits(ctx))).code).toBe("NEMO_RATE_LIMITED");
  });

  it("retries idempotent calls on 5xx with backoff", async () => {
    const { sim, client } = await setup();
    const { sessionId } = await client.createSession(ctx, "en");
    sim.inject("state", { kind: "status", status: 502 }, 2);
    await client.state(ctx, sessionId);
    expect(requestsTo(sim, `/api/state/nemo_agent/me/${sessionId}/latest`)).toBe(3);
  });

  it("does not retry a non-idempotent upload on 5xx", async () => {
    const { sim, client } = await setup();
    const { sessionId } = await client.createSession(ctx, "en");
    sim.inject("upload", { kind: "status", status: 500 });
    const error = await rejection(client.upload(ctx, sessionId, { urls: ["https://cdn.example/a.mp4"] }));
    expect(error.code).toBe("NEMO_UNAVAILABLE");
    expect(requestsTo(sim, `/api/upload-video/nemo_agent/me/${sessionId}`)).toBe(1);
  });

  it("maps an envelope code to its error even on HTTP 200", async () => {
    const { sim, client } = await setup();
    sim.inject("credits", { kind: "code", code: 1002, message: "session gone" });
    expect((await rejection(client.credits(ctx))).code).toBe("NEMO_SESSION_NOT_FOUND");
    sim.inject("credits", { kind: "code", code: 400, message: "missing X-Client-Id" });
    expect((await rejection(client.credits(ctx))).code).toBe("NEMO_BAD_REQUEST");
  });

  it("raises a typed, unreached error when nothing listens", async () => {
    const { sim } = await setup();
    const url = sim.url;
    await sim.close();
    const client = new NemoClient({
      apiUrl: url,
      webUrl: "https://web.example",
      store: new MemoryStore(),
      retries: 1,
      retryMinDelayMs: 5,
    });
    const error = await rejection(client.credits(ctx));
    await client.close();
    expect(error.code).toBe("NEMO_UNAVAILABLE");
    expect((error as unknown as { requestMayHaveReached: boolean }).requestMayHaveReached).toBe(false);
  });
});

describe("attribution", () => {
  it("sends source, version and the conversation's platform on every request", async () => {
    const { sim, client } = await setup({ renderSteps: 1 });
    const platforms: Platform[] = ["discord", "slack", "console"];
    for (const platform of platforms) {
      const at = { platform };
      const { sessionId } = await client.createSession(at, "en");
      await collect(client.sendMessage(at, sessionId, "generate a video of a cat"));
      await client.upload(at, sessionId, { urls: ["https://cdn.example/x.png"] });
      await client.credits(at);
      const { draft } = await client.state(at, sessionId);
      const id = await client.startExport(at, sessionId, draft!);
      await client.exportStatus(at, id);
      await client.cancelExport(at, id);
    }
    const api = sim.requests.filter((request) => !request.path.startsWith("/files/"));
    expect(api.length).toBeGreaterThan(20);
    for (const request of api) {
      expect(request.headers["x-skill-source"]).toBe(PACKAGE_NAME);
      expect(request.headers["x-skill-version"]).toBe(PACKAGE_VERSION);
      expect(["discord", "slack", "console"]).toContain(request.headers["x-skill-platform"]);
    }
    const sse = api
      .filter((request) => request.path === "/run_sse")
      .map((r) => r.headers["x-skill-platform"]);
    expect(sse).toEqual(platforms);
  });

  it("lets NEMO_SKILL_SOURCE override the source", async () => {
    const { sim } = await setup();
    const client = clientFor(sim, { source: "acme-bot" });
    await client.credits(ctx);
    await client.close();
    expect(sim.requests.every((request) => request.headers["x-skill-source"] === "acme-bot")).toBe(true);
  });
});
