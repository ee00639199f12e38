import { describe, expect, it, onTestFinished } from "vitest";
import {
  parseSimulatorArgs,
  runSimulatorCli,
  type SimulatorOptions,
  startSimulator,
} from "../src/simulator/index.js";
import {
  call,
  eventually,
  getState,
  type Json,
  json,
  parseJson,
  readSse,
  runSse,
  type SseItem,
  send,
  setup,
  tokenFor,
  toolNames,
  track,
  trackTypes,
  useSimulators,
  visibleText,
} from "./helpers/sim-http.js";

const start = useSimulators();

describe("anonymous tokens and auth", () => {
  it("issues a token, reuses it for the same client id, and 400s without one", async () => {
    const sim = await start({ credits: 77 });
    const first = await tokenFor(sim, "client-a");
    expect(first.token).toMatch(/^nmv_usr_/);
    expect(first.credits).toBe(77);
    expect(Date.parse(first.expires_at) - Date.now()).toBeGreaterThan(6 * 24 * 3600 * 1000);
    expect(await tokenFor(sim, "client-a")).toMatchObject({ token: first.token, user_id: first.user_id });
    const other = await tokenFor(sim, "client-b");
    expect(other.token).not.toBe(first.token);
    expect(other.user_id).not.toBe(first.user_id);

    const missing = await fetch(`${sim.url}/api/auth/anonymous-token`, { method: "POST" });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as Json).code).toBe(400);
  });

  it("issues a new token (same user) after expiry and after expireTokens", async () => {
    const sim = await start({ tokenTtlMs: 1 });
    const first = await tokenFor(sim, "client-a");
    const afterTtl = await eventually(async () => {
      const next = await tokenFor(sim, "client-a");
      return next.token === first.token ? undefined : next;
    });
    expect(afterTtl.user_id).toBe(first.user_id);

    sim.options.tokenTtlMs = 60_000;
    const fresh = await tokenFor(sim, "client-a");
    expect((await call(sim, fresh.token, "GET", "/api/credits/balance/simple")).status).toBe(200);
    sim.expireTokens();
    expect((await call(sim, fresh.token, "GET", "/api/credits/balance/simple")).status).toBe(401);
    const renewed = await tokenFor(sim, "client-a");
    expect(renewed.token).not.toBe(fresh.token);
    expect(renewed.user_id).toBe(first.user_id);
  });

  it("rejects a bad token with HTTP 401 or with a 1001 envelope, and records every request", async () => {
    const sim = await start();
    const http = await call(sim, "nmv_usr_bogus", "GET", "/api/credits/balance/simple");
    expect(http.status).toBe(401);
    expect(((await http.json()) as Json).code).toBe(1001);

    sim.options.authErrorForm = "envelope";
    const envelope = await call(sim, "nmv_usr_bogus", "POST", "/api/tasks/me/with-session/nemo_agent", {});
    expect(envelope.status).toBe(200);
    expect(((await envelope.json()) as Json).code).toBe(1001);
    const noHeader = await json(fetch(`${sim.url}/run_sse`, { method: "POST", body: "{}" }));
    expect(noHeader.code).toBe(1001);

    expect(sim.requests.map((request) => request.path)).toEqual([
      "/api/credits/balance/simple",
      "/api/tasks/me/with-session/nemo_agent",
      "/run_sse",
    ]);
    expect(sim.requests[0]!.headers.authorization).toBe("Bearer nmv_usr_bogus");
    expect(sim.requests[0]!.headers["x-skill-platform"]).toBe("console");
  });
});

describe("sessions, credits and state", () => {
  it("creates a session with a long numeric id and an empty state", async () => {
    const sim = await start();
    const { token, sid, userId } = await setup(sim);
    expect(sid).toMatch(/^\d{19}$/);
    expect(sim.sessions()).toEqual([sid]);
    const created = sim.requests.find((request) => request.path.startsWith("/api/tasks/"));
    expect(created?.method).toBe("POST");
    const state = await getState(sim, token, sid);
    expect(state).toEqual({
      draft: null,
      video_infos: [],
      canvas_config: { width: 1920, height: 1080 },
      generated_media: [],
    });
    const again = await json(
      call(sim, token, "POST", "/api/tasks/me/with-session/nemo_agent", { task_name: "x" }),
    );
    expect(again.data.user_id).toBe(userId);
    expect(again.data.task_id).toMatch(/^\d+$/);
    expect(again.data.session_id).not.toBe(sid);
  });

  it("answers 1002 for a dropped session on every call naming it", async () => {
    const sim = await start();
    const { token, sid } = await setup(sim);
    sim.dropSession(sid);
    expect((await json(call(sim, token, "GET", `/api/state/nemo_agent/me/${sid}/latest`))).code).toBe(1002);
    const sse = await runSse(sim, token, sid, "hello");
    expect(sse.headers.get("content-type")).toContain("application/json");
    expect(((await sse.json()) as Json).code).toBe(1002);
    expect(
      (
        await json(
          call(sim, token, "POST", `/api/upload-video/nemo_agent/me/${sid}`, {
            urls: ["https://x.test/a.mp4"],
          }),
        )
      ).code,
    ).toBe(1002);
    expect(sim.sessions()).toEqual([]);
    expect(sim.runSseCount(sid)).toBe(0);
  });

  it("reports credits and lets tests set them", async () => {
    const sim = await start({ credits: 30 });
    const { token } = await setup(sim);
    const balance = await json(call(sim, token, "GET", "/api/credits/balance/simple"));
    expect(balance).toMatchObject({ code: 0, data: { available: 30, frozen: 0, total: 30 } });
    sim.setCredits(3);
    expect((await json(call(sim, token, "GET", "/api/credits/balance/simple"))).data.available).toBe(3);
  });
});

describe("run_sse", () => {
  it("streams a two-stage generation in the agent dialect, freezing then spending credits", async () => {
    const sim = await start({ generationMs: 150, credits: 50, generationCost: 10 });
    const { token, sid } = await setup(sim);
    let frozenDuringWork: Json | undefined;
    const read = await readSse(
      await runSse(sim, token, sid, "Generate a video of a city timelapse at night"),
      async (items) => {
        const last = items.at(-1);
        if (!frozenDuringWork && last?.kind === "data" && last.data.includes('"generate_video"')) {
          frozenDuringWork = (await json(call(sim, token, "GET", "/api/credits/balance/simple"))).data;
        }
        return false;
      },
    );
    expect(read.error).toBeUndefined();
    expect(read.contentType).toContain("text/event-stream");
    expect(frozenDuringWork).toEqual({ available: 40, frozen: 10, total: 50 });
    expect(await json(call(sim, token, "GET", "/api/credits/balance/simple"))).toMatchObject({
      data: { available: 40, frozen: 0, total: 40 },
    });

    expect(toolNames(read.events)).toEqual(["generate_video", "add_post_production"]);
    const call0 = read.events.find((event) => event.content?.parts?.[0]?.functionCall)!;
    expect(call0).toMatchObject({ author: "nemo_agent", partial: false, content: { role: "model" } });
    expect(call0.content.parts[0].functionCall.args.prompt).toBe("a city timelapse at night");
    expect(
      read.events.some((event) => event.content?.parts?.[0]?.functionResponse?.name === "generate_video"),
    ).toBe(true);

    const text = visibleText(read.events);
    expect(text).toBe(
      "Your video is ready! Preview it in the timeline, then click the Export button to download it." +
        "I added background music and a title. Open the timeline panel to review.",
    );
    // Partial chunks add up to the final text that follows them.
    const partials = read.events
      .filter((event) => event.partial === true)
      .map((event) => event.content.parts[0].text);
    expect(partials.length).toBeGreaterThan(2);
    expect(partials.join("")).toBe(text);
    // Keep-alives: comment lines and empty data lines.
    expect(read.items.some((item) => item.kind === "comment" && item.text === "ping")).toBe(true);
    expect(read.items.some((item) => item.kind === "data" && item.data === "")).toBe(true);

    const state = await getState(sim, token, sid);
    expect(trackTypes(state)).toEqual([0, 1, 7]);
    expect(track(state, 0)!.sg[0]).toMatchObject({
      d: 10_000,
      m: { title: "a city timelapse at night", width: 1920, height: 1080 },
    });
    expect(track(state, 1)!.sg[0]).toMatchObject({ d: 10_000, m: { name: "Lo-fi", volume: 35 } });
    expect(track(state, 7)!.sg[0]).toMatchObject({ d: 3_000, m: { title: "A City Timelapse At" } });
    expect(state.video_infos).toHaveLength(1);
    expect(state.generated_media[0]).toMatchObject({ type: "video" });
    expect(sim.runSseCount(sid)).toBe(1);
    expect(sim.requests.find((request) => request.path === "/run_sse")?.sessionId).toBe(sid);
  });

  it("speaks the typed dialect: text deltas, tool events and all three keep-alive forms", async () => {
    const sim = await start({ dialect: "typed", generationMs: 100, heartbeatIntervalMs: 10 });
    const { token, sid } = await setup(sim);
    const read = await send(sim, token, sid, "make a video about the ocean");
    expect(read.events.find((event) => event.type === "tool_call")).toEqual({
      type: "tool_call",
      name: "generate_video",
      args: { prompt: "the ocean" },
    });
    expect(read.events.filter((event) => event.type === "tool_result").map((event) => event.name)).toEqual([
      "generate_video",
      "add_post_production",
    ]);
    const texts = read.events.filter((event) => event.type === "text");
    expect(texts.length).toBeGreaterThan(2);
    expect(visibleText(read.events).split("Your video is ready!")).toHaveLength(2);
    expect(read.events.some((event) => event.type === "heartbeat")).toBe(true);
    expect(read.items.some((item) => item.kind === "comment")).toBe(true);
    expect(read.items.some((item) => item.kind === "data" && item.data === "")).toBe(true);

    sim.options.chunkText = false;
    const whole = await send(sim, token, sid, "what can you do?");
    expect(whole.events.filter((event) => event.type === "text")).toHaveLength(1);
    expect(visibleText(whole.events)).toContain('You said: "what can you do?"');
  });

  it("sends one non-partial text event in the agent dialect without chunking", async () => {
    const sim = await start({ chunkText: false });
    const { token, sid } = await setup(sim);
    const read = await send(sim, token, sid, "hello there");
    expect(read.events).toHaveLength(1);
    expect(read.events[0]).toMatchObject({ partial: false, author: "nemo_agent" });
    expect(await getState(sim, token, sid)).toMatchObject({ draft: null });
  });

  it("applies title, music, trim and remove-title edits with text replies", async () => {
    const sim = await start();
    const { token, sid } = await setup(sim);
    await send(sim, token, sid, "generate a video of a sunset");

    const titled = await send(sim, token, sid, 'add a title "Hello"');
    expect(visibleText(titled.events)).toBe('Added the title "Hello". Drag it on the timeline to move it.');
    expect(toolNames(titled.events)).toEqual(["add_title"]);
    expect(track(await getState(sim, token, sid), 7)!.sg[0]).toMatchObject({
      d: 3_000,
      m: { title: "Hello" },
    });

    await send(sim, token, sid, "change the title to Good Morning");
    expect(track(await getState(sim, token, sid), 7)!.sg[0].m.title).toBe("Good Morning");

    const trimmed = await send(sim, token, sid, "make it shorter");
    expect(visibleText(trimmed.events)).toContain("5s");
    const music = await send(sim, token, sid, "add some BGM");
    expect(visibleText(music.events)).toContain("music");
    let state = await getState(sim, token, sid);
    expect(track(state, 0)!.sg[0].d).toBe(5_000);
    expect(track(state, 1)!.sg[0]).toMatchObject({ d: 5_000, m: { name: "Upbeat", volume: 35 } });

    await send(sim, token, sid, "remove title");
    state = await getState(sim, token, sid);
    expect(trackTypes(state)).toEqual([0, 1]);
    expect(sim.runSseCount(sid)).toBe(6);
  });

  it("closes silent edits with no text while the state still changes", async () => {
    const sim = await start({ silentEdits: true });
    const { token, sid } = await setup(sim);
    await send(sim, token, sid, "generate a video of rain");
    for (const message of ["add a title Rainy Day", "trim it", "add music"]) {
      const read = await send(sim, token, sid, message);
      expect(visibleText(read.events)).toBe("");
      expect(read.events.some((event) => event.content?.parts?.[0]?.functionResponse)).toBe(true);
    }
    const state = await getState(sim, token, sid);
    expect(track(state, 7)!.sg[0].m.title).toBe("Rainy Day");
    expect(track(state, 0)!.sg[0].d).toBe(5_000);
    expect(track(state, 1)!.sg[0].m.name).toBe("Upbeat");
  });

  it("answers 2001 with a bind id (no stream) when credits run out", async () => {
    const sim = await start({ generationCost: 10 });
    const { token, sid } = await setup(sim);
    sim.setCredits(9);
    const res = await runSse(sim, token, sid, "create a video of a cat");
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as Json;
    expect(body).toMatchObject({ code: 2001, message: "insufficient credits" });
    expect(body.data.bind_id).toMatch(/^bind_/);
    expect(await getState(sim, token, sid)).toMatchObject({ draft: null });
    expect((await json(call(sim, token, "GET", "/api/credits/balance/simple"))).data.available).toBe(9);
  });

  it("validates the body (400) before anything else", async () => {
    const sim = await start();
    const { token, sid } = await setup(sim);
    const wrongApp = await call(sim, token, "POST", "/run_sse", {
      app_name: "other",
      session_id: sid,
      new_message: { parts: [{ text: "hi" }] },
    });
    expect(wrongApp.status).toBe(400);
    const noText = await call(sim, token, "POST", "/run_sse", {
      app_name: "nemo_agent",
      session_id: sid,
      new_message: { parts: [] },
    });
    expect(((await noText.json()) as Json).code).toBe(400);
    expect(sim.runSseCount(sid)).toBe(0);
  });
});

describe("run_sse faults", () => {
  it("drops the connection after N events, and the generation still lands", async () => {
    const sim = await start({ generationMs: 80 });
    const { token, sid } = await setup(sim);
    sim.inject("run_sse", { kind: "disconnect", afterEvents: 1 });
    const read = await readSse(await runSse(sim, token, sid, "generate a video of a forest"));
    expect(read.error).toBeDefined();
    expect(read.events).toHaveLength(1);
    expect(toolNames(read.events)).toEqual(["generate_video"]);
    const state = await eventually(async () => {
      const current = await getState(sim, token, sid);
      return trackTypes(current).length === 3 ? current : undefined;
    });
    expect(track(state, 7)!.sg[0].m.title).toBe("A Forest");
    expect(sim.runSseCount(sid)).toBe(1);
  });

  it("keeps applying the effect when the client goes away mid-stream", async () => {
    const sim = await start({ generationMs: 80 });
    const { token, sid } = await setup(sim);
    const read = await readSse(await runSse(sim, token, sid, "generate a video of snow"), (items) =>
      items.some((item) => item.kind === "data" && item.data.includes("functionCall")),
    );
    expect(read.events).toHaveLength(1);
    await eventually(async () =>
      trackTypes(await getState(sim, token, sid)).length === 3 ? true : undefined,
    );
  });

  it("sends only keep-alives with heartbeats-only", async () => {
    const sim = await start({ dialect: "typed" });
    const { token, sid } = await setup(sim);
    sim.inject("run_sse", { kind: "heartbeats-only" });
    const read = await readSse(
      await runSse(sim, token, sid, "generate a video"),
      (items) => items.length >= 6,
    );
    expect(read.items).toHaveLength(6);
    expect(read.events.every((event) => event.type === "heartbeat")).toBe(true);
    expect(read.items.filter((item) => item.kind === "comment")).toHaveLength(2);
    expect(await getState(sim, token, sid)).toMatchObject({ draft: null });
    const next = await send(sim, token, sid, "hello");
    expect(visibleText(next.events)).toContain("You said");
  });

  it("mixes malformed lines among normal events", async () => {
    const sim = await start({ dialect: "typed" });
    const { token, sid } = await setup(sim);
    sim.inject("run_sse", { kind: "malformed", count: 3 });
    const read = await send(sim, token, sid, "hello");
    const known = ["text", "tool_call", "tool_result", "heartbeat"];
    const data = read.items.filter((item) => item.kind === "data" && item.data !== "");
    const isOdd = (item: SseItem) =>
      !known.includes((parseJson((item as { data: string }).data) as Json | undefined)?.type);
    expect(data.filter(isOdd)).toHaveLength(3);
    expect(data.findIndex(isOdd)).toBeLessThan(data.findLastIndex((item) => !isOdd(item)));
    expect(data.some((item) => parseJson((item as { data: string }).data) === undefined)).toBe(true);
    expect(visibleText(read.events)).toContain('You said: "hello"');
  });

  it("answers status and code faults instead of the stream, not counting the message", async () => {
    const sim = await start();
    const { token, sid } = await setup(sim);
    sim.inject("run_sse", { kind: "status", status: 503 }, 2);
    expect((await runSse(sim, token, sid, "hi")).status).toBe(503);
    expect((await runSse(sim, token, sid, "hi")).status).toBe(503);
    sim.inject("run_sse", { kind: "code", code: 1002 });
    expect(await json(runSse(sim, token, sid, "hi"))).toEqual({
      code: 1002,
      message: "session not found",
      data: null,
    });
    expect(sim.runSseCount(sid)).toBe(0);
    await send(sim, token, sid, "hi");
    expect(sim.runSseCount(sid)).toBe(1);
  });

  it("answers 429 with an optional body on other routes", async () => {
    const sim = await start();
    const { token } = await setup(sim);
    sim.inject("credits", { kind: "status", status: 429, body: { code: 429, message: "slow down" } });
    sim.inject("anonymous-token", { kind: "status", status: 500 });
    const limited = await call(sim, token, "GET", "/api/credits/balance/simple");
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ code: 429, message: "slow down" });
    const failed = await fetch(`${sim.url}/api/auth/anonymous-token`, {
      method: "POST",
      headers: { "x-client-id": "c" },
    });
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe("");
    expect((await call(sim, token, "GET", "/api/credits/balance/simple")).status).toBe(200);
  });
});

/** A streamed multipart body (no Content-Length): one file part of `size` bytes. */
function multipartStream(
  filename: string,
  size: number,
  boundary = "simtestboundary",
): ReadableStream<Uint8Array> {
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunk = Buffer.alloc(16 * 1024, 1);
  let sent = -1;
  return new ReadableStream({
    pull(controller) {
      if (sent < 0) {
        controller.enqueue(head);
        sent = 0;
      } else if (sent < size) {
        const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += piece.length;
        controller.enqueue(piece);
      } else {
        controller.enqueue(tail);
        controller.close();
      }
    },
  });
}

describe("upload", () => {
  it("accepts multipart files and adds videos to the state", async () => {
    const sim = await start();
    const { token, sid } = await setup(sim);
    const form = new FormData();
    form.append("files", new Blob([Buffer.alloc(2048, 3)], { type: "video/mp4" }), "holiday clip.mp4");
    form.append("files", new Blob([Buffer.from("ID3")], { type: "audio/mpeg" }), "song.mp3");
    form.append("files", new Blob([Buffer.from("png")], { type: "image/png" }), "logo.png");
    const res = await fetch(`${sim.url}/api/upload-video/nemo_agent/me/${sid}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const body = (await res.json()) as Json;
    expect(body.code).toBe(0);
    const [video, audio, image] = body.data.files as Json[];
    expect(video).toMatchObject({
      filename: "holiday clip.mp4",
      file_type: "video",
      duration: 30,
      width: 1920,
      height: 1080,
      size: 2048,
    });
    expect(audio).toMatchObject({ filename: "song.mp3", file_type: "audio", duration: 30 });
    expect(audio).not.toHaveProperty("width");
    expect(image).toMatchObject({ file_type: "image", width: 1920, height: 1080 });
    expect(video!.cdn_url.startsWith(`${sim.url}/files/`)).toBe(true);

    const served = await fetch(video!.cdn_url);
    expect(served.headers.get("content-type")).toBe("video/mp4");
    expect(
      Buffer.from(await served.arrayBuffer())
        .subarray(4, 8)
        .toString("latin1"),
    ).toBe("ftyp");
    expect((await fetch(image!.cdn_url)).headers.get("content-type")).toBe("image/png");

    const state = await getState(sim, token, sid);
    expect(state.video_infos).toHaveLength(2);
    expect(track(state, 0)!.sg).toHaveLength(1);
    expect(track(state, 0)!.sg[0].m.title).toBe("holiday clip.mp4");
    expect(sim.requests.find((request) => request.path.startsWith("/api/upload-video/"))?.sessionId).toBe(
      sid,
    );
  });

  it("accepts URLs without fetching them, naming files from the path", async () => {
    const sim = await start();
    const { token, sid } = await setup(sim);
    const body = await json(
      call(sim, token, "POST", `/api/upload-video/nemo_agent/me/${sid}`, {
        urls: ["https://cdn.invalid/media/intro%20take.MOV?sig=1", "https://cdn.invalid/cover.webp"],
        source_type: "url",
      }),
    );
    expect(body.code).toBe(0);
    expect(body.data.files.map((file: Json) => [file.filename, file.file_type])).toEqual([
      ["intro take.MOV", "video"],
      ["cover.webp", "image"],
    ]);
    expect(trackTypes(await getState(sim, token, sid))).toEqual([0]);
  });

  it("refuses unsupported types with 4001", async () => {
    const sim = await start();
    const { token, sid } = await setup(sim);
    const byUrl = await json(
      call(sim, token, "POST", `/api/upload-video/nemo_agent/me/${sid}`, {
        urls: ["https://x.invalid/notes.txt"],
        source_type: "url",
      }),
    );
    expect(byUrl.code).toBe(4001);
    expect(byUrl.message).toContain("mp4");
    const form = new FormData();
    form.append("files", new Blob(["x"]), "tool.exe");
    const byFile = await json(
      fetch(`${sim.url}/api/upload-video/nemo_agent/me/${sid}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        body: form,
      }),
    );
    expect(byFile.code).toBe(4001);
    expect(await getState(sim, token, sid)).toMatchObject({ draft: null, video_infos: [] });
  });

  it("refuses oversized uploads with 4002, by Content-Length and while streaming", async () => {
    const sim = await start({ uploadMaxBytes: 100_000 });
    const { token, sid } = await setup(sim);
    const url = `${sim.url}/api/upload-video/nemo_agent/me/${sid}`;
    const form = new FormData();
    form.append("files", new Blob([Buffer.alloc(150_000)]), "big.mp4");
    expect(
      (await json(fetch(url, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form })))
        .code,
    ).toBe(4002);

    const streamed = await fetch(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "multipart/form-data; boundary=simtestboundary",
      },
      body: multipartStream("huge.mp4", 1_000_000),
      duplex: "half",
    });
    expect(sim.requests.at(-1)!.headers["content-length"]).toBeUndefined();
    expect(((await streamed.json()) as Json).code).toBe(4002);

    const fits = await fetch(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "multipart/form-data; boundary=simtestboundary",
      },
      body: multipartStream("small.mp4", 50_000),
      duplex: "half",
    });
    expect(((await fits.json()) as Json).data.files[0]).toMatchObject({
      filename: "small.mp4",
      size: 50_000,
    });
  });
});

describe("render", () => {
  async function withDraft(options: SimulatorOptions = {}) {
    const sim = await start(options);
    const { token, sid } = await setup(sim);
    await send(sim, token, sid, "generate a video of waves");
    const { draft } = await getState(sim, token, sid);
    const startRender = (
      id: string,
      headers: Record<string, string> = {},
      body: Json = { id, sessionId: sid, draft, output: { format: "mp4", quality: "high" } },
    ) => call(sim, token, "POST", "/api/render/proxy/lambda", body, headers);
    const poll = (id: string) => json(call(sim, token, "GET", `/api/render/proxy/lambda/${id}`));
    return { sim, token, sid, draft, startRender, poll };
  }

  it("walks pending → processing → completed in the output form, and the output plays", async () => {
    const { sim, token, startRender, poll } = await withDraft({ renderSteps: 3 });
    expect(await json(startRender("render_1"))).toEqual({
      success: true,
      data: { id: "render_1", status: "pending" },
    });
    expect(await poll("render_1")).toEqual({ success: true, id: "render_1", status: "pending", progress: 0 });
    expect(await poll("render_1")).toEqual({
      success: true,
      id: "render_1",
      status: "processing",
      progress: 50,
    });
    const done = await poll("render_1");
    expect(done).toEqual({
      success: true,
      id: "render_1",
      status: "completed",
      progress: 100,
      output: { url: `${sim.url}/files/render_1.mp4` },
    });
    expect(await poll("render_1")).toEqual(done);
    const video = await fetch(done.output.url);
    expect(
      Buffer.from(await video.arrayBuffer())
        .subarray(4, 8)
        .toString("latin1"),
    ).toBe("ftyp");
    const download = await call(sim, token, "GET", "/api/render/proxy/render_1/download");
    expect(download.headers.get("content-type")).toBe("video/mp4");
    expect(
      Buffer.from(await download.arrayBuffer())
        .subarray(4, 8)
        .toString("latin1"),
    ).toBe("ftyp");
  });

  it("answers in the data form, and fails at the last poll with render-fail", async () => {
    const { sim, token, startRender, poll } = await withDraft({ renderSteps: 2, renderForm: "data" });
    await startRender("r_ok");
    expect(await poll("r_ok")).toEqual({
      success: true,
      data: { id: "r_ok", status: "pending", progress: 0 },
    });
    expect((await poll("r_ok")).data).toEqual({
      id: "r_ok",
      status: "completed",
      progress: 100,
      outputUrl: `${sim.url}/files/render_r_ok.mp4`,
    });

    sim.inject("render-start", { kind: "render-fail", error: "encoder crashed" });
    await startRender("r_bad");
    expect((await poll("r_bad")).data.status).toBe("pending");
    expect((await poll("r_bad")).data).toMatchObject({ status: "failed", error: "encoder crashed" });
    expect((await call(sim, token, "GET", "/api/render/proxy/r_bad/download")).status).toBe(409);
  });

  it("cancels a running render", async () => {
    const { sim, token, startRender, poll } = await withDraft({ renderSteps: 5 });
    await startRender("r_cancel");
    await poll("r_cancel");
    expect(await json(call(sim, token, "POST", "/api/render/proxy/lambda/r_cancel/cancel"))).toEqual({
      success: true,
    });
    expect(await poll("r_cancel")).toMatchObject({ status: "failed", error: "cancelled" });
    await startRender("r_done");
    for (let i = 0; i < 5; i++) await poll("r_done");
    expect(await json(call(sim, token, "POST", "/api/render/proxy/lambda/r_done/cancel"))).toEqual({
      success: true,
    });
    expect(await poll("r_done")).toMatchObject({ status: "completed", progress: 100 });
  });

  it("rejects bad starts: missing fields, duplicate id, empty draft, unknown render", async () => {
    const { sid, startRender, poll } = await withDraft();
    expect(await json(startRender("r_x", {}, { id: "r_x", sessionId: sid }))).toMatchObject({
      success: false,
    });
    expect(await json(startRender("r_dup"))).toMatchObject({ success: true });
    expect(await json(startRender("r_dup"))).toEqual({ success: false, error: "duplicate render id" });
    expect(
      await json(
        startRender("r_empty", {}, { id: "r_empty", sessionId: sid, draft: { t: [{ tt: 0, sg: [] }] } }),
      ),
    ).toEqual({
      success: false,
      error: "nothing to render",
    });
    expect(await poll("r_nope")).toEqual({ success: false, error: "render not found" });
  });

  it("answers 402 when export is blocked or an attribution header is missing", async () => {
    const { sim, token, sid, draft, startRender } = await withDraft();
    const unattributed = await fetch(`${sim.url}/api/render/proxy/lambda`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "x-skill-source": "a",
        "x-skill-version": "1",
      },
      body: JSON.stringify({ id: "r_1", sessionId: sid, draft }),
    });
    expect(unattributed.status).toBe(402);
    expect(await unattributed.json()).toEqual({ success: false, error: "export requires a paid plan" });
    sim.options.exportBlocked = true;
    expect((await startRender("r_2")).status).toBe(402);
    sim.options.exportBlocked = false;
    expect((await startRender("r_3")).status).toBe(200);
  });
});

describe("files", () => {
  it("serves a real MP4 with Content-Length and Range support", async () => {
    const sim = await start();
    const whole = await fetch(`${sim.url}/files/anything.mp4`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("video/mp4");
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(Number(whole.headers.get("content-length"))).toBe(bytes.length);
    expect(bytes.length).toBeGreaterThan(1_000);
    expect(bytes.length).toBeLessThan(20_000);
    expect(bytes.subarray(4, 8).toString("latin1")).toBe("ftyp");
    expect(bytes.includes(Buffer.from("moov"))).toBe(true);

    const part = await fetch(`${sim.url}/files/anything.mp4`, { headers: { range: "bytes=4-7" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 4-7/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).toString("latin1")).toBe("ftyp");
    const suffix = await fetch(`${sim.url}/files/anything.mp4`, { headers: { range: "bytes=-10" } });
    expect(Buffer.from(await suffix.arrayBuffer())).toEqual(bytes.subarray(-10));
    expect(
      (await fetch(`${sim.url}/files/anything.mp4`, { headers: { range: `bytes=${bytes.length}-` } })).status,
    ).toBe(416);
    expect((await fetch(`${sim.url}/files/readme.txt`)).status).toBe(404);
  });
});

describe("knobs and control endpoints", () => {
  it("applies latencyMs before each response", async () => {
    const sim = await start({ latencyMs: 60_000 });
    const held = fetch(`${sim.url}/files/a.mp4`);
    let answered = false;
    held.then(
      () => {
        answered = true;
      },
      () => undefined,
    );
    await eventually(async () => (sim.requests.length === 1 ? true : undefined));
    // The knob is read as each request arrives: the next one is answered at once, the first still waits.
    sim.options.latencyMs = 0;
    expect((await fetch(`${sim.url}/files/a.mp4`)).status).toBe(200);
    expect(answered).toBe(false);
    await sim.close();
    await expect(held).rejects.toThrow();
  });

  it("drives the simulator over HTTP from another process", async () => {
    const sim = await start();
    const post = (path: string, body: unknown) =>
      fetch(`${sim.url}/__sim/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const { token, sid } = await setup(sim);

    expect((await post("options", { dialect: "typed", chunkText: false })).status).toBe(200);
    expect(sim.options.dialect).toBe("typed");
    expect((await post("options", { dialect: "klingon" })).status).toBe(400);
    expect((await post("options", { nope: 1 })).status).toBe(400);
    const read = await send(sim, token, sid, "hello");
    expect(read.events).toHaveLength(1);
    expect(read.events[0]!.type).toBe("text");
    expect(await json(fetch(`${sim.url}/__sim/run-sse-count?session=${sid}`))).toEqual({
      sessionId: sid,
      count: 1,
      accepted: 1,
      refused: 0,
    });

    expect(
      (await post("inject", { route: "credits", fault: { kind: "code", code: 1002 }, times: 2 })).status,
    ).toBe(200);
    expect((await post("inject", { route: "nowhere", fault: { kind: "heartbeats-only" } })).status).toBe(400);
    expect((await post("inject", { route: "credits", fault: { kind: "status" } })).status).toBe(400);
    expect((await json(call(sim, token, "GET", "/api/credits/balance/simple"))).code).toBe(1002);
    expect((await json(call(sim, token, "GET", "/api/credits/balance/simple"))).code).toBe(1002);
    expect((await json(call(sim, token, "GET", "/api/credits/balance/simple"))).code).toBe(0);

    await post("credits", { available: 4 });
    expect((await json(call(sim, token, "GET", "/api/credits/balance/simple"))).data.available).toBe(4);
    await post("expire-tokens", {});
    expect((await call(sim, token, "GET", "/api/credits/balance/simple")).status).toBe(401);
    const renewed = await tokenFor(sim);
    await post("drop-session", { sessionId: sid });
    expect((await json(call(sim, renewed.token, "GET", `/api/state/nemo_agent/me/${sid}/latest`))).code).toBe(
      1002,
    );
    expect(await json(fetch(`${sim.url}/__sim/sessions`))).toEqual({ sessions: [] });

    const requests = (await json(fetch(`${sim.url}/__sim/requests`))) as unknown as Json[];
    expect(requests).toHaveLength(sim.requests.length);
    expect(requests.some((request) => String(request.path).startsWith("/__sim"))).toBe(false);
    expect(requests.at(-1)).toMatchObject({
      method: "GET",
      path: `/api/state/nemo_agent/me/${sid}/latest`,
      sessionId: sid,
    });
  });

  it("parses CLI arguments and runs from them", async () => {
    expect(parseSimulatorArgs(["--port", "8080", "--host=0.0.0.0", "--dialect", "typed"])).toEqual({
      port: 8080,
      host: "0.0.0.0",
      dialect: "typed",
    });
    expect(() => parseSimulatorArgs(["--port", "x"])).toThrow(/invalid port/);
    expect(() => parseSimulatorArgs(["--verbose"])).toThrow(/unknown argument/);
    const lines: string[] = [];
    const sim = await runSimulatorCli(["--port", "0"], (line) => lines.push(line));
    onTestFinished(() => sim.close());
    expect(lines[0]).toBe(`NemoVideo simulator listening on ${sim.url}`);
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${sim.url}/files/a.mp4`)).status).toBe(200);
  });
});

describe("public URL", () => {
  it("hands out file links on the public URL when one is given (e.g. behind docker-compose)", async () => {
    const sim = await startSimulator({ publicUrl: "http://localhost:8787/" });
    try {
      expect(sim.url).toBe("http://localhost:8787");
      expect(parseSimulatorArgs(["--public-url", "http://sim.example"])).toEqual({
        publicUrl: "http://sim.example",
      });
    } finally {
      await sim.close();
    }
  });
});
