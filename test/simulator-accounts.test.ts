import { describe, expect, it } from "vitest";
import type { Simulator } from "../src/simulator/index.js";
import {
  call,
  control,
  createSession,
  eventually,
  type Json,
  json,
  runSse,
  send,
  setup,
  tokenFor,
  useSimulators,
} from "./helpers/sim-http.js";

const start = useSimulators();

async function balance(sim: Simulator, token: string): Promise<Json> {
  const body = await json(call(sim, token, "GET", "/api/credits/balance/simple"));
  expect(body.code).toBe(0);
  return body.data as Json;
}

function claimToken(sim: Simulator, token: string, taskId: string, sid: string, headers = {}): Promise<Json> {
  return json(
    call(sim, token, "POST", "/api/auth/claim-token", { task_id: taskId, session_id: sid }, headers),
  );
}

describe("accounts and API tokens", () => {
  it("gives each token's account its own balance and sessions, and records who called", async () => {
    const sim = await start();
    const anonymous = await setup(sim);
    const user = sim.createAccount({ balance: 500 });
    expect(user.token).toMatch(/^nmv_usr_/);
    expect(await balance(sim, user.token)).toEqual({ available: 500, frozen: 0, total: 500 });
    expect(await balance(sim, anonymous.token)).toMatchObject({ available: 100 });
    expect(sim.account(user.token)).toEqual({
      userId: user.userId,
      registered: true,
      available: 500,
      frozen: 0,
      total: 500,
      tokens: 1,
    });
    expect(sim.account(anonymous.userId)).toMatchObject({ registered: false, available: 100, tokens: 1 });

    const { sid } = await createSession(sim, user.token);
    await send(sim, user.token, sid, "hello");
    expect(sim.runSseCount(sid)).toBe(1);
    // Sessions belong to the account that created them.
    expect((await json(runSse(sim, anonymous.token, sid, "hello"))).code).toBe(1002);
    expect(
      (await json(call(sim, anonymous.token, "GET", `/api/state/nemo_agent/me/${sid}/latest`))).code,
    ).toBe(1002);
    expect(
      (await json(call(sim, user.token, "GET", `/api/state/nemo_agent/me/${anonymous.sid}/latest`))).code,
    ).toBe(1002);

    const mine = sim.requests.filter((request) => request.userId === user.userId);
    expect(mine.map((request) => request.path)).toEqual([
      "/api/credits/balance/simple",
      "/api/tasks/me/with-session/nemo_agent",
      "/run_sse",
      `/api/state/nemo_agent/me/${anonymous.sid}/latest`,
    ]);
    expect(mine.every((request) => request.headers.authorization === `Bearer ${user.token}`)).toBe(true);
    expect(
      sim.requests.filter((request) => request.sessionId === sid).map((request) => request.userId),
    ).toEqual([user.userId, anonymous.userId, anonymous.userId]);
  });

  it("refuses unknown and revoked tokens on every endpoint with 1001 / HTTP 401", async () => {
    const sim = await start();
    const user = sim.createAccount({ token: "nmv_usr_chosen_by_the_test", userId: "usr_alice", balance: 42 });
    expect(user).toEqual({ token: "nmv_usr_chosen_by_the_test", userId: "usr_alice" });
    expect(() => sim.createAccount({ token: user.token })).toThrow(/already exists/);
    const { sid, taskId } = await createSession(sim, user.token);
    const everyEndpoint = (token: string) => [
      call(sim, token, "GET", "/api/credits/balance/simple"),
      call(sim, token, "POST", "/api/tasks/me/with-session/nemo_agent", { task_name: "p", language: "en" }),
      runSse(sim, token, sid, "hello"),
      call(sim, token, "POST", `/api/upload-video/nemo_agent/me/${sid}`, {
        urls: ["https://x.invalid/a.mp4"],
      }),
      call(sim, token, "GET", `/api/state/nemo_agent/me/${sid}/latest`),
      call(sim, token, "POST", "/api/render/proxy/lambda", { id: "r", sessionId: sid, draft: { t: [] } }),
      call(sim, token, "GET", "/api/render/proxy/lambda/r"),
      call(sim, token, "POST", "/api/render/proxy/lambda/r/cancel"),
      call(sim, token, "GET", "/api/render/proxy/r/download"),
      call(sim, token, "POST", "/api/auth/claim-token", { task_id: taskId, session_id: sid }),
    ];
    for (const res of await Promise.all(everyEndpoint("nmv_usr_never_issued"))) {
      expect(res.status).toBe(401);
      expect(((await res.json()) as Json).code).toBe(1001);
    }
    expect(sim.revokeToken(user.token)).toBe(true);
    expect(sim.revokeToken("nmv_usr_unknown")).toBe(false);
    expect(sim.account(user.token)).toMatchObject({ userId: "usr_alice", tokens: 0 });
    for (const res of await Promise.all(everyEndpoint(user.token))) expect(res.status).toBe(401);
    expect(sim.runSseCounts(sid)).toEqual({ accepted: 0, refused: 0 });

    // expireTokens is about anonymous tokens; API tokens never expire.
    const other = sim.createAccount();
    const anonymous = await tokenFor(sim, "client-x");
    sim.expireTokens();
    expect((await call(sim, other.token, "GET", "/api/credits/balance/simple")).status).toBe(200);
    expect((await call(sim, anonymous.token, "GET", "/api/credits/balance/simple")).status).toBe(401);
    // A revoked anonymous token is replaced (same user) when the client asks again.
    const renewed = await tokenFor(sim, "client-x");
    sim.revokeToken(renewed.token);
    const again = await tokenFor(sim, "client-x");
    expect(again.token).not.toBe(renewed.token);
    expect(again.user_id).toBe(anonymous.user_id);
  });

  it("sets one account's balance and manages accounts over the control endpoints", async () => {
    const sim = await start();
    const anonymous = await setup(sim);
    const created = (await json(control(sim, "accounts", { balance: 250, userId: "usr_bob" }))) as Json;
    expect(created.userId).toBe("usr_bob");
    expect(await json(control(sim, `account?id=${created.token}`))).toMatchObject({
      userId: "usr_bob",
      registered: true,
      available: 250,
    });
    expect((await control(sim, "accounts", { token: created.token })).status).toBe(409);
    expect((await control(sim, "accounts", { balance: "lots" })).status).toBe(400);
    expect((await control(sim, "account?id=nobody")).status).toBe(404);

    expect((await control(sim, "credits", { available: 7, account: "usr_bob" })).status).toBe(200);
    expect(await balance(sim, created.token)).toMatchObject({ available: 7 });
    expect(await balance(sim, anonymous.token)).toMatchObject({ available: 100 });
    expect(sim.setBalance(anonymous.token, 3)).toBe(true);
    expect(await balance(sim, anonymous.token)).toMatchObject({ available: 3 });
    expect((await control(sim, "credits", { available: 1, account: "nobody" })).status).toBe(404);

    expect((await control(sim, "revoke-token", { token: created.token })).status).toBe(200);
    expect((await control(sim, "revoke-token", { token: "nmv_usr_nope" })).status).toBe(404);
    expect((await call(sim, created.token, "GET", "/api/credits/balance/simple")).status).toBe(401);
  });
});

describe("claim tokens and the simulator's pages", () => {
  it("issues reusable claim tokens for the account's own sessions, and opens them as a page", async () => {
    const sim = await start();
    const { token, sid, taskId, userId } = await setup(sim);
    await send(sim, token, sid, "generate a video of a harbour");
    const issued = await claimToken(sim, token, taskId, sid);
    expect(issued).toEqual({
      code: 0,
      message: "success",
      data: { claim_token: expect.stringMatching(/^clm_[A-Za-z0-9_-]{20,}$/), expires_in: 604800 },
    });
    const ct = issued.data.claim_token as string;
    expect(sim.claim(ct)).toEqual({ taskId, sessionId: sid, userId });
    expect(await json(control(sim, `claim?ct=${ct}`))).toEqual({ taskId, sessionId: sid, userId });

    for (let i = 0; i < 2; i++) {
      const page = await fetch(`${sim.url}/workspace/claim?ct=${encodeURIComponent(ct)}`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const html = await page.text();
      expect(html).toContain(`data-session-id="${sid}"`);
      expect(html).toContain(`/files/gen_${sid}_1.mp4`);
      expect(html).not.toContain(token);
    }
    expect((await fetch(`${sim.url}/workspace/claim?ct=clm_forged`)).status).toBe(404);
    expect((await fetch(`${sim.url}/workspace/claim`)).status).toBe(404);
    expect((await fetch(`${sim.url}/workspace/claim?task=${taskId}&session=${sid}`)).status).toBe(410);
    expect((await control(sim, "claim?ct=clm_forged")).status).toBe(404);
  });

  it("refuses other accounts' sessions, a wrong task, missing fields and missing attribution", async () => {
    const sim = await start();
    const { token, sid, taskId } = await setup(sim);
    const stranger = sim.createAccount();
    expect((await claimToken(sim, stranger.token, taskId, sid)).code).toBe(1002);
    expect((await claimToken(sim, token, "123", sid)).code).toBe(1002);
    expect((await claimToken(sim, token, taskId, "")).code).toBe(400);
    const unattributed = await fetch(`${sim.url}/api/auth/claim-token`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ task_id: taskId, session_id: sid }),
    });
    expect(unattributed.status).toBe(400);
    sim.dropSession(sid);
    expect((await claimToken(sim, token, taskId, sid)).code).toBe(1002);
  });

  it("lets claim tokens expire and injects faults on the claim route", async () => {
    const sim = await start({ claimTokenTtlMs: 0 });
    const { token, sid, taskId } = await setup(sim);
    const expired = await claimToken(sim, token, taskId, sid);
    expect(expired.data.expires_in).toBe(0);
    expect((await fetch(`${sim.url}/workspace/claim?ct=${expired.data.claim_token}`)).status).toBe(404);
    sim.inject("claim-token", { kind: "status", status: 429 });
    expect(
      (await call(sim, token, "POST", "/api/auth/claim-token", { task_id: taskId, session_id: sid })).status,
    ).toBe(429);
  });
});

describe("credits that generations and edits cost", () => {
  it("deducts 100 per generation and 50 per edit when they run, and answers 2001 when short", async () => {
    const sim = await start({ generationCost: 100, editCost: 50 });
    const user = sim.createAccount({ balance: 160 });
    const { sid } = await createSession(sim, user.token);
    await send(sim, user.token, sid, "hello"); // chat is free
    expect(sim.account(user.token)).toMatchObject({ available: 160, frozen: 0 });
    await send(sim, user.token, sid, "generate a video of a lighthouse");
    expect(sim.account(user.token)).toMatchObject({ available: 60, frozen: 0 });
    await send(sim, user.token, sid, "add a title Night Watch");
    expect(sim.account(user.token)).toMatchObject({ available: 10, frozen: 0 });

    const short = await json(runSse(sim, user.token, sid, "add background music"));
    expect(short).toEqual({ code: 2001, message: "insufficient credits", data: null });
    expect((await json(runSse(sim, user.token, sid, "generate a video of a storm"))).code).toBe(2001);
    await send(sim, user.token, sid, "hello");
    expect(sim.account(user.token)).toMatchObject({ available: 10 });
  });

  it("freezes an edit's cost while it runs", async () => {
    const sim = await start({ editCost: 50, editMs: 300 });
    const { token, sid, userId } = await setup(sim);
    await send(sim, token, sid, "generate a video of dunes");
    expect(sim.account(userId)).toMatchObject({ available: 90 });
    const running = send(sim, token, sid, "make it shorter");
    await eventually(async () => (sim.account(userId)!.frozen === 50 ? true : undefined));
    expect(sim.account(userId)).toMatchObject({ available: 40, frozen: 50, total: 90 });
    await running;
    expect(sim.account(userId)).toMatchObject({ available: 40, frozen: 0, total: 40 });
  });

  it("gives anonymous accounts the bind data of the registration link, which opens a simulator page", async () => {
    const sim = await start({ generationCost: 100 });
    const { token, sid, userId } = await setup(sim);
    expect(await balance(sim, token)).toMatchObject({ available: 100 });
    await send(sim, token, sid, "generate a video of a meadow");
    const refused = await json(runSse(sim, token, sid, "generate a video of a glacier"));
    expect(refused).toMatchObject({
      code: 2001,
      data: { bind_id: expect.stringMatching(/^bind_/), user_id: userId },
    });
    for (const bind of [userId, refused.data.bind_id as string]) {
      const page = await fetch(`${sim.url}/register?bind=${bind}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(userId);
    }
    expect((await fetch(`${sim.url}/register`)).status).toBe(200);
  });
});
