import { App, type Receiver } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { describe, expect, it } from "vitest";
import { LruMap } from "../src/adapters/slack/common/lru-map.js";
import { boundBoltClients } from "../src/adapters/slack/inbound/bolt-clients.js";
import { scopeRequests } from "../src/adapters/slack/inbound/request-scope.js";
import { createWorkspaceSlackMessenger } from "../src/adapters/slack/outbound/workspace-messenger.js";
import { silentLogger } from "../src/core/logger.js";
import { FakeSlackApi } from "./fakes/slack/fake-slack-api.js";
import { appMention, eventEnvelope } from "./fakes/slack/payloads.js";

describe("LruMap", () => {
  it("keeps at most its bound, dropping the least recently used", () => {
    const lru = new LruMap<string, number>(2);
    lru.set("a", 1);
    lru.set("b", 2);
    expect(lru.get("a")).toBe(1); // "a" is now the newest
    lru.set("c", 3);
    expect(lru.size).toBe(2);
    expect(lru.get("b")).toBeUndefined();
    expect([lru.get("a"), lru.get("c")]).toEqual([1, 3]);
    lru.set("a", 10);
    expect(lru.size).toBe(2);
    expect(lru.any()).toBe(3);
    expect(() => new LruMap(0)).toThrow(RangeError);
  });

  it("drops exactly the least recently used entries through many evictions, touches and refills", () => {
    const lru = new LruMap<number, number>(50);
    const order: number[] = []; // the reference: oldest first
    const touch = (key: number) => {
      const at = order.indexOf(key);
      if (at >= 0) order.splice(at, 1);
      order.push(key);
      if (order.length > 50) order.shift();
    };
    for (let i = 0; i < 5_000; i++) {
      const key = (i * 7919) % 400;
      if (i % 3 === 0 && lru.get(key) !== undefined) touch(key);
      else {
        lru.set(key, i);
        touch(key);
      }
    }
    expect(lru.size).toBe(50);
    expect(order.every((key) => lru.get(key) !== undefined)).toBe(true);
  });
});

/** A real Bolt `App` fed events directly (`processEvent`), authorizing each team with its current token. */
function boltApp(tokens: Map<string, string>) {
  const receiver: Receiver = {
    init: () => undefined,
    start: async () => undefined,
    stop: async () => undefined,
  };
  const app = new App({
    receiver,
    authorize: async (source) => ({
      botToken: tokens.get(source.teamId ?? "")!,
      botUserId: "UBOT",
      ...(source.teamId ? { teamId: source.teamId } : {}),
    }),
  });
  let eventId = 0;
  const send = (team: string) =>
    app.processEvent({
      body: eventEnvelope(
        appMention({ channel: "C1", user: "U1", text: "<@UBOT> hi", ts: `17000.${++eventId}` }),
        {
          team,
          eventId: `Ev${eventId}`,
          botUserId: "UBOT",
        },
      ),
      ack: async () => undefined,
    });
  return { app, send };
}

describe("a distributed app's per-workspace state is bounded", () => {
  it("Bolt keeps one client per workspace, for its current token, for the most recent workspaces only", async () => {
    const tokens = new Map([
      ["T1", "xoxb-t1-a"],
      ["T2", "xoxb-t2-a"],
      ["T3", "xoxb-t3-a"],
    ]);
    const { app, send } = boltApp(tokens);
    const kept = boundBoltClients(app, 2, silentLogger());
    const handed: { team: string; client: WebClient }[] = [];
    app.use(async ({ context, client, next }) => {
      handed.push({ team: context.teamId!, client });
      await next();
    });
    await send("T1");
    await send("T1");
    expect(handed[1]!.client).toBe(handed[0]!.client);
    expect(handed[0]!.client.token).toBe("xoxb-t1-a");
    // A rotated token: a new client, and the old one is not kept next to it.
    tokens.set("T1", "xoxb-t1-b");
    await send("T1");
    expect(handed[2]!.client).not.toBe(handed[0]!.client);
    expect(handed[2]!.client.token).toBe("xoxb-t1-b");
    expect(kept.size).toBe(1);
    await send("T2");
    await send("T3");
    expect(kept.size).toBe(2);
    expect(kept.get("T1")).toBeUndefined();
    expect(kept.get("T3")?.token).toBe("xoxb-t3-a");
    // T1 comes back: a client is made again, with its current token.
    await send("T1");
    expect(handed.at(-1)!.client.token).toBe("xoxb-t1-b");
    expect(kept.size).toBe(2);
  });

  it("request scopes (user and thread caches) are kept for the most recent workspaces only", async () => {
    const tokens = new Map([
      ["T1", "xoxb-t1"],
      ["T2", "xoxb-t2"],
      ["T3", "xoxb-t3"],
    ]);
    const { app, send } = boltApp(tokens);
    boundBoltClients(app, 2, silentLogger());
    const ctx = scopeRequests(
      app,
      {
        handler: { handle: async () => undefined },
        logger: silentLogger(),
        isAllowed: () => true,
        onFeedback: undefined,
      },
      undefined,
      { workspaces: 2, usersEach: 10, threadsEach: 10 },
    );
    const caches: { team: string; users: unknown }[] = [];
    app.event("app_mention", async () => {
      caches.push({ team: ctx.workspace()!, users: ctx.users });
    });
    for (const team of ["T1", "T2", "T1", "T3", "T2"]) await send(team);
    const usersOf = (i: number) => caches[i]!.users;
    expect(caches.map((entry) => entry.team)).toEqual(["T1", "T2", "T1", "T3", "T2"]);
    expect(usersOf(2)).toBe(usersOf(0)); // T1 kept (T2 was the least recent when T3 came)
    expect(usersOf(4)).not.toBe(usersOf(1)); // T2 was dropped: a fresh scope
  });

  it("the workers' messenger keeps one per workspace, for the most recent workspaces only", async () => {
    const fake = await FakeSlackApi.start({ botToken: "xoxb-unused" });
    try {
      const tokens = new Map([
        ["T1", "xoxb-t1"],
        ["T2", "xoxb-t2"],
        ["T3", "xoxb-t3"],
      ]);
      const messenger = createWorkspaceSlackMessenger({
        tokens: { botToken: async (workspace) => tokens.get(workspace) },
        apiUrl: fake.apiUrl,
        maxWorkspaces: 2,
        logger: silentLogger(),
      });
      const ref = (team: string) => ({
        platform: "slack" as const,
        workspace: team,
        channel: "C1",
        thread: "1.1",
      });
      const lookup = (team: string) => messenger.lookupUser!(ref(team), "U1");
      for (const team of ["T1", "T2", "T1", "T3", "T1", "T2"]) await lookup(team);
      // users.info per workspace: T1 stayed cached throughout; T2 was dropped (by T3) and asked again.
      const asked = fake.callsOf("users.info").map((call) => call.authorization);
      expect(asked).toEqual(["Bearer xoxb-t1", "Bearer xoxb-t2", "Bearer xoxb-t3", "Bearer xoxb-t2"]);
      // Files of a workspace: its own token, none for a workspace without an installation.
      expect(await messenger.fileAuthorization!("T2")).toBe("Bearer xoxb-t2");
      expect(await messenger.fileAuthorization!("TNONE")).toBeUndefined();
    } finally {
      await fake.close();
    }
  });
});
