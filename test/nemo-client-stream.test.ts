import { afterEach, describe, expect, it } from "vitest";
import {
  clientFor,
  collect,
  rejection,
  requestsTo,
  simulatorAndClient,
  textOf,
} from "./helpers/nemo-fixtures.js";

const ctx = { platform: "discord" as const };
let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

async function setup(...args: Parameters<typeof simulatorAndClient>) {
  const fixture = await simulatorAndClient(...args);
  dispose = fixture.dispose;
  const session = await fixture.client.createSession(ctx, "en");
  return { ...fixture, session };
}

describe("sendMessage (/run_sse)", () => {
  for (const dialect of ["typed", "agent"] as const) {
    it(`streams a two-stage generation in the ${dialect} dialect, text shown once`, async () => {
      const { client, sim, session } = await setup({ dialect, chunkText: true });
      const stream = client.sendMessage(ctx, session.sessionId, "generate a video of a city timelapse");
      const events = await collect(stream);
      const tools = events.filter((event) => event.kind === "tool_call").map((event) => event.name);
      expect(tools).toContain("generate_video");
      expect(tools).toContain("add_post_production");
      const text = textOf(events);
      expect(text).toContain("Your video is ready!");
      expect(text).toContain("I added background music and a title.");
      expect(text.split("Your video is ready!").length).toBe(2);
      expect(stream.stats.heartbeats).toBeGreaterThan(0);
      expect(stream.stats.malformed).toBe(0);
      expect(sim.runSseCount(session.sessionId)).toBe(1);
      const state = await client.state(ctx, session.sessionId);
      expect(state.draft?.t?.map((track) => track.tt).sort()).toEqual([0, 1, 7]);
    });
  }

  it("surfaces every keep-alive form as a heartbeat", async () => {
    const { client, session } = await setup({ dialect: "typed", generationMs: 400, heartbeatIntervalMs: 20 });
    const stream = client.sendMessage(ctx, session.sessionId, "generate a video of waves");
    const events = await collect(stream);
    const heartbeats = events.filter((event) => event.kind === "heartbeat").length;
    expect(heartbeats).toBe(stream.stats.heartbeats);
    expect(heartbeats).toBeGreaterThanOrEqual(6);
  });

  it("ends a silent edit with no text at all", async () => {
    const { client, session } = await setup({ silentEdits: true });
    const events = await collect(client.sendMessage(ctx, session.sessionId, 'add a title "Urban Dreams"'));
    expect(textOf(events)).toBe("");
    const state = await client.state(ctx, session.sessionId);
    expect(state.draft?.t?.some((track) => track.tt === 7)).toBe(true);
  });

  it("skips and counts malformed events without throwing", async () => {
    const { client, sim, session } = await setup();
    sim.inject("run_sse", { kind: "malformed", count: 3 });
    const stream = client.sendMessage(ctx, session.sessionId, "hello there");
    const events = await collect(stream);
    expect(stream.stats.malformed).toBe(3);
    expect(textOf(events).length).toBeGreaterThan(0);
  });

  it("times out a heartbeat-only stream with its own error type, without re-sending", async () => {
    const { client, sim, session } = await setup({ heartbeatIntervalMs: 10 });
    sim.inject("run_sse", { kind: "heartbeats-only" });
    const stream = client.sendMessage(ctx, session.sessionId, "hello", { heartbeatTimeoutMs: 250 });
    const error = await rejection(collect(stream));
    expect(error.code).toBe("NEMO_HEARTBEAT_TIMEOUT");
    expect(stream.stats.heartbeats).toBeGreaterThan(3);
    expect(requestsTo(sim, "/run_sse")).toBe(1);
  });

  it("an event (not a keep-alive) starts the keep-alives-only wait anew", async () => {
    // Two silent stretches of 0.7 s each, 1.4 s in all: past the 1 s wait only if events restart it.
    const { client, session } = await setup({ generationMs: 700, editMs: 700, heartbeatIntervalMs: 50 });
    const stream = client.sendMessage(ctx, session.sessionId, "generate a video of a harbour", {
      heartbeatTimeoutMs: 1_000,
    });
    const events = await collect(stream);
    expect(events.some((event) => event.kind === "tool_result")).toBe(true);
    expect(stream.stats.heartbeats).toBeGreaterThan(10);
  });

  it("stops at the hard cap", async () => {
    const { client, session } = await setup({ generationMs: 5_000, heartbeatIntervalMs: 10 });
    const stream = client.sendMessage(ctx, session.sessionId, "generate a long video", { hardCapMs: 300 });
    expect((await rejection(collect(stream))).code).toBe("NEMO_STREAM_TIMEOUT");
  });

  it("aborts on the caller's signal", async () => {
    const { client, session } = await setup({ generationMs: 5_000, heartbeatIntervalMs: 10 });
    const controller = new AbortController();
    const stream = client.sendMessage(
      { ...ctx, signal: controller.signal },
      session.sessionId,
      "generate a video",
    );
    const error = await rejection(
      (async () => {
        for await (const event of stream) if (event.kind === "tool_call") controller.abort();
      })(),
    );
    expect(error.code).toBe("NEMO_ABORTED");
  });

  it("reports a dropped stream and never sends the message again; the work still lands", async () => {
    const { client, sim, session } = await setup({ dialect: "agent" });
    sim.inject("run_sse", { kind: "disconnect", afterEvents: 2 });
    const stream = client.sendMessage(ctx, session.sessionId, "generate a video of a forest");
    const error = await rejection(collect(stream));
    expect(error.code).toBe("NEMO_STREAM_DROPPED");
    expect(requestsTo(sim, "/run_sse")).toBe(1);
    expect(sim.runSseCount(session.sessionId)).toBe(1);
    const deadline = Date.now() + 5_000;
    let tracks = 0;
    while (Date.now() < deadline && tracks === 0) {
      tracks = (await client.state(ctx, session.sessionId)).draft?.t?.length ?? 0;
    }
    expect(tracks).toBeGreaterThan(0);
  });

  it("never retries /run_sse on a 5xx: a JSON 503 is a refusal with its status", async () => {
    const { client, sim, session } = await setup();
    sim.inject("run_sse", { kind: "status", status: 503, body: { error: "Service Unavailable" } });
    const error = await rejection(collect(client.sendMessage(ctx, session.sessionId, "hello")));
    expect(error.code).toBe("NEMO_REFUSED");
    expect((error as { status?: number }).status).toBe(503);
    expect(requestsTo(sim, "/run_sse")).toBe(1);
  });

  it("reads a proxy's HTML 502 as a refusal, without keeping its page", async () => {
    const { client, sim, session } = await setup();
    sim.inject("run_sse", { kind: "status", status: 502, html: "<html><body>Bad Gateway</body></html>" });
    const error = await rejection(collect(client.sendMessage(ctx, session.sessionId, "hello")));
    expect(error.code).toBe("NEMO_REFUSED");
    expect((error as { status?: number }).status).toBe(502);
    expect(error.message).not.toMatch(/html|Bad Gateway/i);
    expect(requestsTo(sim, "/run_sse")).toBe(1);
  });

  it("reads a 504 that comes after a wait as a refusal when it comes before the headers timeout", async () => {
    const { client, sim, session } = await setup({}, { streamHeadersTimeoutMs: 5_000 });
    sim.inject("run_sse", { kind: "status", status: 504, delayMs: 300 });
    const error = await rejection(collect(client.sendMessage(ctx, session.sessionId, "hello")));
    expect(error.code).toBe("NEMO_REFUSED");
    expect((error as { status?: number }).status).toBe(504);
  });

  it("reads nothing at all within the headers timeout as a lost request (it may have arrived)", async () => {
    const { client, sim, session } = await setup({}, { streamHeadersTimeoutMs: 1_000 });
    sim.inject("run_sse", { kind: "status", status: 504, delayMs: 5_000 });
    const error = await rejection(collect(client.sendMessage(ctx, session.sessionId, "hello")));
    expect(error.code).toBe("NEMO_UNAVAILABLE");
    expect((error as { requestMayHaveReached?: boolean }).requestMayHaveReached).toBe(true);
    expect(requestsTo(sim, "/run_sse")).toBe(1);
  });

  it("tells its observer each exchange's outcome (for the circuit breaker)", async () => {
    const outcomes: string[] = [];
    const { client, sim, session } = await setup(
      {},
      { onBackendOutcome: (outcome) => outcomes.push(outcome) },
    );
    outcomes.length = 0;
    sim.inject("run_sse", { kind: "status", status: 502, html: "<p>bad gateway</p>" });
    await rejection(collect(client.sendMessage(ctx, session.sessionId, "hello")));
    expect(outcomes).toEqual(["unreachable"]);
    await collect(client.sendMessage(ctx, session.sessionId, "hello"));
    expect(outcomes).toEqual(["unreachable", "ok"]);
  });

  it("waits out a 429 and sends once more (the backend refused the first)", async () => {
    const { client, sim, session } = await setup();
    sim.inject("run_sse", { kind: "status", status: 429 });
    const events = await collect(client.sendMessage(ctx, session.sessionId, "hello"));
    expect(textOf(events).length).toBeGreaterThan(0);
    expect(requestsTo(sim, "/run_sse")).toBe(2);
    expect(sim.runSseCount(session.sessionId)).toBe(1);
  });

  it("refreshes an expired token once and then streams (1001)", async () => {
    const { client, sim, session } = await setup({ authErrorForm: "envelope" });
    sim.expireTokens();
    const events = await collect(client.sendMessage(ctx, session.sessionId, "hello"));
    expect(textOf(events).length).toBeGreaterThan(0);
    expect(requestsTo(sim, "/api/auth/anonymous-token")).toBe(2);
    expect(sim.runSseCount(session.sessionId)).toBe(1);
  });

  it("raises session-not-found (1002) for a lost session", async () => {
    const { client, sim, session } = await setup();
    sim.dropSession(session.sessionId);
    const error = await rejection(collect(client.sendMessage(ctx, session.sessionId, "hello")));
    expect(error.code).toBe("NEMO_SESSION_NOT_FOUND");
    expect((error as { backendCode?: number }).backendCode).toBe(1002);
  });

  it("raises out-of-credits (2001) with the bind link", async () => {
    const { client, sim, session } = await setup();
    sim.setCredits(0);
    const error = await rejection(collect(client.sendMessage(ctx, session.sessionId, "generate a video")));
    expect(error.code).toBe("NEMO_OUT_OF_CREDITS");
    const { bindUrl, bindId } = error as unknown as { bindUrl?: string; bindId?: string };
    expect(bindId).toBeTruthy();
    expect(bindUrl).toContain(`bind=${bindId}`);
    expect(bindUrl).toMatch(/^https:\/\/web\.example\//);
  });

  it("gives a registered (operator) account no registration link on 2001: it tops up instead", async () => {
    const { sim, client, session } = await setup();
    const operator = clientFor(sim, { token: await client.tokens.token() });
    try {
      sim.setCredits(0);
      const error = await rejection(
        collect(operator.sendMessage(ctx, session.sessionId, "generate a video")),
      );
      expect(error.code).toBe("NEMO_OUT_OF_CREDITS");
      expect((error as unknown as { bindUrl?: string }).bindUrl).toBeUndefined();
    } finally {
      await operator.close();
    }
  });
});
