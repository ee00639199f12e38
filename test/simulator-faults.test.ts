import { describe, expect, it } from "vitest";
import {
  call,
  control,
  eventually,
  type Json,
  json,
  runSse,
  send,
  setup,
  tokenFor,
  useSimulators,
  visibleText,
} from "./helpers/sim-http.js";

const start = useSimulators();

/** The error a request fails with at the network level (fails the test when it gets a response). */
async function networkError(request: Promise<Response>): Promise<Error & { cause?: { code?: string } }> {
  try {
    const res = await request;
    throw new Error(`expected a network error, got HTTP ${res.status}`);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("expected a network error")) throw error;
    return error as Error & { cause?: { code?: string } };
  }
}

describe("run_sse refusals", () => {
  it("answers a proxy's HTML 502, counted as refused, then takes the next message", async () => {
    const sim = await start();
    const { token, sid } = await setup(sim);
    sim.inject("run_sse", { kind: "html" });
    const res = await runSse(sim, token, sid, "generate a video of rain");
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const page = await res.text();
    expect(page).toMatch(/^<html>/);
    expect(page).toContain("502 Bad Gateway");
    expect(sim.runSseCounts(sid)).toEqual({ accepted: 0, refused: 1 });
    expect(sim.runSseCount(sid)).toBe(0);
    expect(sim.state(sid)).toMatchObject({ draft: null });

    const next = await send(sim, token, sid, "hello");
    expect(visibleText(next.events)).toContain("You said");
    expect(sim.runSseCounts(sid)).toEqual({ accepted: 1, refused: 1 });
    const outcomes = sim.requests.filter((r) => r.path === "/run_sse").map((r) => [r.outcome, r.message]);
    expect(outcomes).toEqual([
      ["refused", "generate a video of rain"],
      ["accepted", "hello"],
    ]);
  });

  it("answers 503 with a JSON body and HTML pages with any status and body", async () => {
    const sim = await start();
    const { token, sid } = await setup(sim);
    sim.inject("run_sse", { kind: "status", status: 503, body: { code: 503, message: "overloaded" } });
    sim.inject("run_sse", { kind: "html", status: 500, body: "<html><body>oops</body></html>" });
    const unavailable = await runSse(sim, token, sid, "hi");
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get("content-type")).toContain("application/json");
    expect(await unavailable.json()).toEqual({ code: 503, message: "overloaded" });
    const broken = await runSse(sim, token, sid, "hi");
    expect(broken.status).toBe(500);
    expect(await broken.text()).toBe("<html><body>oops</body></html>");
    expect(sim.runSseCounts(sid)).toEqual({ accepted: 0, refused: 2 });
  });

  it("sends nothing at all until a late 504", async () => {
    const sim = await start();
    const { token, sid } = await setup(sim);
    // The first request stays silent for a minute before its 504, the second not at all.
    sim.inject("run_sse", { kind: "timeout", afterMs: 60_000 });
    sim.inject("run_sse", { kind: "timeout", afterMs: 0 });
    const silent = runSse(sim, token, sid, "hi");
    let answered = false;
    silent.then(
      () => {
        answered = true;
      },
      () => undefined,
    );
    await eventually(async () => (sim.runSseCounts(sid).refused === 1 ? true : undefined));
    const res = await runSse(sim, token, sid, "hi");
    expect(res.status).toBe(504);
    expect(await res.text()).toContain("504 Gateway Time-out");
    // Headers are the first bytes of a response: the request still inside its silence has none yet.
    expect(answered).toBe(false);
    expect(sim.runSseCounts(sid)).toEqual({ accepted: 0, refused: 2 });
    await sim.close();
    await networkError(silent);
  });

  it("drops a pending gateway timeout's connection when the simulator closes", async () => {
    const sim = await start();
    const { token, sid } = await setup(sim);
    sim.inject("run_sse", { kind: "timeout", afterMs: 60_000 });
    const request = call(
      sim,
      token,
      "POST",
      "/run_sse",
      { app_name: "nemo_agent", user_id: "me", session_id: sid, new_message: { parts: [{ text: "hi" }] } },
      {},
    );
    await eventually(async () => (sim.runSseCounts(sid).refused === 1 ? true : undefined));
    await sim.close();
    expect((await networkError(request)).message).toMatch(/fetch failed|terminated|other side closed/);
  });

  it("resets the connection without a response", async () => {
    const sim = await start();
    const { token, sid } = await setup(sim);
    sim.inject("run_sse", { kind: "reset" });
    const error = await networkError(runSse(sim, token, sid, "generate a video of hail"));
    expect(error.message).toBe("fetch failed");
    expect(sim.runSseCounts(sid)).toEqual({ accepted: 0, refused: 1 });
    expect(sim.state(sid)).toMatchObject({ draft: null });
    await send(sim, token, sid, "hello");
    expect(sim.runSseCounts(sid)).toEqual({ accepted: 1, refused: 1 });
  });

  it("refuses every request until the faults are cleared", async () => {
    const sim = await start();
    const { token, sid } = await setup(sim);
    sim.inject("run_sse", { kind: "html" }, Number.POSITIVE_INFINITY);
    for (let i = 0; i < 4; i++) expect((await runSse(sim, token, sid, `try ${i}`)).status).toBe(502);
    sim.clearFaults("run_sse");
    await send(sim, token, sid, "hello");
    expect(sim.runSseCounts(sid)).toEqual({ accepted: 1, refused: 4 });
  });

  it("works the same over the control endpoints", async () => {
    const sim = await start();
    const { token, sid } = await setup(sim);
    expect(
      (await control(sim, "inject", { route: "run_sse", fault: { kind: "html" }, times: "always" })).status,
    ).toBe(200);
    expect((await control(sim, "inject", { route: "run_sse", fault: { kind: "timeout" } })).status).toBe(400);
    expect(
      (await control(sim, "inject", { route: "run_sse", fault: { kind: "html" }, times: "often" })).status,
    ).toBe(400);
    expect((await runSse(sim, token, sid, "a")).status).toBe(502);
    expect((await runSse(sim, token, sid, "b")).status).toBe(502);
    expect((await control(sim, "clear-faults", { route: "nowhere" })).status).toBe(400);
    expect((await control(sim, "clear-faults", {})).status).toBe(200);
    await control(sim, "inject", { route: "run_sse", fault: { kind: "reset" } });
    await networkError(runSse(sim, token, sid, "c"));
    await control(sim, "inject", { route: "run_sse", fault: { kind: "timeout", afterMs: 1, status: 503 } });
    expect((await runSse(sim, token, sid, "d")).status).toBe(503);
    await send(sim, token, sid, "e");
    expect(await json(control(sim, `run-sse-count?session=${sid}`))).toEqual({
      sessionId: sid,
      count: 1,
      accepted: 1,
      refused: 4,
    });
  });
});

describe("backend outage", () => {
  it("refuses every API route with 503 JSON (run_sse counted per session) until ended", async () => {
    const sim = await start();
    const { token, sid } = await setup(sim);
    await sim.startOutage({ mode: "status" });
    expect(sim.outage()).toEqual({ mode: "status" });
    const refused = await runSse(sim, token, sid, "generate a video of fog");
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ code: 503, message: "service unavailable", data: null });
    expect((await call(sim, token, "GET", "/api/credits/balance/simple")).status).toBe(503);
    expect((await call(sim, "nonsense", "GET", `/api/state/nemo_agent/me/${sid}/latest`)).status).toBe(503);
    expect(
      (
        await fetch(`${sim.url}/api/auth/anonymous-token`, {
          method: "POST",
          headers: { "x-client-id": "c" },
        })
      ).status,
    ).toBe(503);
    expect((await fetch(`${sim.url}/files/a.mp4`)).status).toBe(200);
    expect(await json(control(sim, "outage"))).toEqual({ outage: { mode: "status" } });
    expect(sim.runSseCounts(sid)).toEqual({ accepted: 0, refused: 1 });

    await sim.endOutage();
    expect(sim.outage()).toBeUndefined();
    expect((await call(sim, token, "GET", "/api/credits/balance/simple")).status).toBe(200);
    await send(sim, token, sid, "generate a video of fog");
    expect(sim.runSseCounts(sid)).toEqual({ accepted: 1, refused: 1 });
  });

  it("answers HTML 502 pages, or resets connections, and ends by itself after forMs", async () => {
    const sim = await start();
    const { token, sid } = await setup(sim);
    await sim.startOutage({ mode: "html" });
    const page = await runSse(sim, token, sid, "hi");
    expect(page.status).toBe(502);
    expect(await page.text()).toContain("Bad Gateway");
    const starting = Date.now();
    await sim.startOutage({ mode: "reset", forMs: 60_000 });
    const started = Date.now();
    expect(sim.outage()).toMatchObject({ mode: "reset" });
    // Its end is set from its start: forMs after it.
    expect(sim.outage()!.until).toBeGreaterThanOrEqual(starting + 60_000);
    expect(sim.outage()!.until).toBeLessThanOrEqual(started + 60_000);
    await networkError(runSse(sim, token, sid, "hi"));
    await networkError(call(sim, token, "GET", "/api/credits/balance/simple"));
    // Replaced by a short one, which ends by itself.
    await sim.startOutage({ mode: "reset", forMs: 1 });
    await eventually(async () => (sim.outage() === undefined ? true : undefined));
    await send(sim, token, sid, "hi");
    expect(sim.runSseCounts(sid)).toEqual({ accepted: 1, refused: 2 });
  });

  it("refuses connections (nothing listens) and listens again on the same address", async () => {
    const sim = await start();
    const { token, sid } = await setup(sim);
    await sim.startOutage({ mode: "refuse" });
    // A pooled keep-alive connection may fail first (it was dropped); a new one is refused.
    await eventually(async () => {
      const error = await networkError(call(sim, token, "GET", "/api/credits/balance/simple"));
      return error.cause?.code === "ECONNREFUSED" ? true : undefined;
    });
    await networkError(control(sim, "outage"));
    await sim.endOutage();
    expect((await call(sim, token, "GET", "/api/credits/balance/simple")).status).toBe(200);
    await send(sim, token, sid, "hi");
    expect(sim.runSseCounts(sid)).toEqual({ accepted: 1, refused: 0 });
    await sim.startOutage({ mode: "refuse" }); // closing during such an outage must not hang
  });

  it("is driven over the control endpoints", async () => {
    const sim = await start();
    const { token } = await tokenFor(sim).then((data) => ({ token: data.token as string }));
    expect((await control(sim, "outage", { mode: "sideways" })).status).toBe(400);
    expect((await control(sim, "outage", { mode: "status", forMs: -1 })).status).toBe(400);
    const starting = Date.now();
    expect((await control(sim, "outage", { mode: "status", forMs: 60_000 })).status).toBe(200);
    const started = Date.now();
    const state = (await json(control(sim, "outage"))) as Json;
    expect(state.outage.mode).toBe("status");
    expect(state.outage.until).toBeGreaterThanOrEqual(starting + 60_000);
    expect(state.outage.until).toBeLessThanOrEqual(started + 60_000);
    expect((await call(sim, token, "GET", "/api/credits/balance/simple")).status).toBe(503);
    expect((await control(sim, "outage-end", {})).status).toBe(200);
    expect(await json(control(sim, "outage"))).toEqual({ outage: null });
    expect((await call(sim, token, "GET", "/api/credits/balance/simple")).status).toBe(200);
    expect((await control(sim, "outage", { mode: "refuse", forMs: 100 })).status).toBe(200);
    await networkError(call(sim, token, "GET", "/api/credits/balance/simple"));
    await eventually(async () => (sim.outage() === undefined ? true : undefined));
    expect((await call(sim, token, "GET", "/api/credits/balance/simple")).status).toBe(200);
  });
});
