import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../src/simulator/index.js";

const running: Simulator[] = [];
afterEach(async () => {
  for (const sim of running.splice(0)) await sim.close();
});

async function session(sim: Simulator): Promise<{ token: string; sessionId: string }> {
  const token = (await (
    await fetch(`${sim.url}/api/auth/anonymous-token`, { method: "POST", headers: { "x-client-id": "c" } })
  ).json()) as { data: { token: string } };
  const created = (await (
    await fetch(`${sim.url}/api/tasks/me/with-session/nemo_agent`, {
      method: "POST",
      headers: { authorization: `Bearer ${token.data.token}`, "content-type": "application/json" },
      body: JSON.stringify({ task_name: "project", language: "en" }),
    })
  ).json()) as { data: { session_id: string } };
  return { token: token.data.token, sessionId: created.data.session_id };
}

describe("simulator slow-answer fault", () => {
  it("carries the call out at once and holds its answer back (a client gone by then never hears of it)", async () => {
    const sim = await startSimulator();
    running.push(sim);
    const { token, sessionId } = await session(sim);
    const control = await fetch(`${sim.url}/__sim/inject`, {
      method: "POST",
      body: JSON.stringify({ route: "upload", fault: { kind: "slow-answer", ms: 30_000 } }),
    });
    expect(control.status).toBe(200);
    const abort = new AbortController();
    const upload = fetch(`${sim.url}/api/upload-video/nemo_agent/me/${sessionId}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ urls: ["https://files.example/clip.mp4"], source_type: "url" }),
      signal: abort.signal,
    }).catch((error: unknown) => error);
    const stored = () => (sim.state(sessionId) as { video_infos: unknown[] }).video_infos.length;
    const deadline = Date.now() + 10_000;
    while (stored() === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stored()).toBe(1);
    abort.abort();
    expect(await upload).toBeInstanceOf(Error);

    // Used once: the next call answers at once.
    const next = await fetch(`${sim.url}/api/upload-video/nemo_agent/me/${sessionId}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ urls: ["https://files.example/b.mp4"], source_type: "url" }),
    });
    expect(((await next.json()) as { code: number }).code).toBe(0);
    expect(stored()).toBe(2);
  });

  it("is validated on the control endpoint", async () => {
    const sim = await startSimulator();
    running.push(sim);
    const res = await fetch(`${sim.url}/__sim/inject`, {
      method: "POST",
      body: JSON.stringify({ route: "upload", fault: { kind: "slow-answer", ms: -1 } }),
    });
    expect(res.status).toBe(400);
  });
});
