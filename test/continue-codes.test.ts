import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Intake } from "../src/conversation/intake.js";
import { type ConversationRef, refKey } from "../src/core/conversation/conversation-ref.js";
import type { Inbound } from "../src/core/conversation/inbound.js";
import { hashMoveCode, moveCodeDigest, newMoveCode } from "../src/core/conversation/move-code.js";
import { type Intent, routeInbound } from "../src/core/conversation/router.js";
import { createLogger } from "../src/core/logger.js";
import { KEY_TTL_SECONDS, Keys } from "../src/store/keys.js";
import { MOVE_TRIES, ProjectMoves, ticketOf } from "../src/store/project-moves.js";
import { RedisConversationStore } from "../src/store/redis-conversation-store.js";
import { useRedisServer } from "./helpers/redis-server.js";

const inbound = (fields: Partial<Inbound>): Inbound => ({
  id: "e1",
  ref: { platform: "console", workspace: "local", channel: "console", thread: "main" },
  user: { id: "local" },
  text: "",
  attachments: [],
  ...fields,
});

describe("continue codes", () => {
  it("typed /continue asks for a code, /continue CODE redeems one; the credits guard's Continue button is untouched", () => {
    expect(routeInbound(inbound({ text: "/continue" }))).toEqual({ kind: "move_code" });
    expect(routeInbound(inbound({ text: "/continue k7qxm-p3wzd" }))).toEqual({
      kind: "move_here",
      arg: "k7qxm-p3wzd",
    });
    expect(routeInbound(inbound({ action: { kind: "continue", arg: "m1" } }))).toEqual({
      kind: "continue",
      arg: "m1",
    });
    expect(routeInbound(inbound({ action: { kind: "move_here", arg: "K7QXM-P3WZD" } }))).toEqual({
      kind: "move_here",
      arg: "K7QXM-P3WZD",
    });
    expect(routeInbound(inbound({ action: { kind: "move_thread" } }))).toEqual({ kind: "move_thread" });
  });

  it("the intake queues a code's SHA-256 only, never the code, its text or its action", async () => {
    const queued: { inbound: Inbound; intent: Intent }[] = [];
    const keep = async (queuedInbound: Inbound, intent: Intent) => {
      queued.push({ inbound: queuedInbound, intent });
    };
    const intake = new Intake({
      queue: { event: keep, command: keep },
      sessions: { find: async () => undefined },
      logger: createLogger({ level: "silent" }),
    });
    await intake.handle(inbound({ text: "/continue K7QXM-P3WZD", newThread: true }));
    expect(JSON.stringify(queued)).not.toMatch(/K7QXM|P3WZD/i);
    expect(queued[0]?.intent).toEqual({ kind: "move_here", arg: hashMoveCode("K7QXM-P3WZD") });
    // Its command may still open a thread for it (a channel's `/continue CODE`).
    expect(queued[0]?.inbound.newThread).toBe(true);
    // Case, dashes and spaces do not matter; another code hashes differently.
    expect(hashMoveCode("k7qxm p3wzd")).toBe(hashMoveCode("K7QXMP3WZD"));
    expect(hashMoveCode("K7QXM-P3WZE")).not.toBe(hashMoveCode("K7QXM-P3WZD"));
    // Other messages pass unchanged.
    const other = inbound({ id: "e2", text: "make it red" });
    await intake.handle(other);
    expect(queued[1]).toEqual({ inbound: other, intent: { kind: "turn" } });
  });

  it("only a hashed argument names a code: a code (or anything else) given as is finds nothing", () => {
    expect(moveCodeDigest(hashMoveCode("K7QXM-P3WZD"))).toMatch(/^[0-9a-f]{64}$/);
    expect(moveCodeDigest("K7QXM-P3WZD")).toBeUndefined();
    expect(moveCodeDigest(undefined)).toBeUndefined();
    expect(moveCodeDigest("sha256:xyz")).toBeUndefined();
  });

  it("codes are 10 characters of an unambiguous alphabet (≈ 49 bits), shown in two groups, and differ", () => {
    const codes = Array.from({ length: 2000 }, () => newMoveCode());
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJ-KMNP-TV-Z]{5}-[2-9A-HJ-KMNP-TV-Z]{5}$/);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.join("")).not.toMatch(/[01ILOU]/);
  });
});

const redis = useRedisServer();

describe("ProjectMoves (real Redis)", () => {
  let client: Redis;
  let moves: ProjectMoves;
  let conversations: RedisConversationStore;
  let keys: Keys;
  beforeAll(() => {
    client = new Redis(redis.url);
    keys = new Keys(`moves${randomUUID().slice(0, 8)}`);
    moves = new ProjectMoves(client, keys);
    conversations = new RedisConversationStore(client, keys);
  });
  afterAll(async () => {
    await client.quit();
  });
  const ref = (thread: string): ConversationRef => ({
    platform: "slack",
    workspace: "T1",
    channel: "C1",
    thread,
  });
  const record = (sessionId: string) => ({
    sessionId,
    taskId: `task-${sessionId}`,
    language: "en",
    platform: "slack" as const,
    account: "slack:U1",
    createdAt: 1,
    usedAt: 1,
  });

  it("a code is taken once; the move binds the project to one thread, never while either thread works", async () => {
    const [a, b, c] = [ref("1.1"), ref("2.2"), ref("3.3")];
    await conversations.put(refKey(a), record("s1"));
    await moves.issue("d1", ticketOf(a, record("s1"), "U1"));
    expect(await moves.take("d1")).toMatchObject({ sessionId: "s1", account: "slack:U1", source: refKey(a) });
    expect(await moves.take("d1")).toBeUndefined();

    // Work waiting in the source, or in the target: refused, nothing moves.
    await client.rpush(keys.line(refKey(a)), "turn|j1");
    expect(await moves.move(refKey(a), b, "s1")).toBe("busy");
    await client.del(keys.line(refKey(a)));
    await client.rpush(keys.line(refKey(b)), "turn|j2");
    expect(await moves.move(refKey(a), b, "s1")).toBe("busy");
    await client.del(keys.line(refKey(b)));
    expect(await moves.move(refKey(a), a, "s1")).toBe("same");

    expect(await moves.move(refKey(a), b, "s1")).toBe("moved");
    expect(await conversations.get(refKey(a))).toBeUndefined();
    expect(await conversations.get(refKey(b))).toMatchObject({ sessionId: "s1", account: "slack:U1" });
    expect(await client.ttl(keys.conversation(refKey(b)))).toBeGreaterThan(0);
    // The old thread's project is gone: moving "it" again from there finds nothing.
    expect(await moves.move(refKey(a), c, "s1")).toBe("stale");
  });

  it("wrong tries are counted per member in a bounded window", async () => {
    for (let i = 0; i < MOVE_TRIES - 1; i += 1) await moves.wrongTry("discord", "u9");
    expect(await moves.throttled("discord", "u9")).toBe(false);
    await moves.wrongTry("discord", "u9");
    expect(await moves.throttled("discord", "u9")).toBe(true);
    expect(await moves.throttled("discord", "u8")).toBe(false);
    const ttl = await client.ttl(keys.moveTries("discord", "u9"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(KEY_TTL_SECONDS.moveTries);
  });
});
