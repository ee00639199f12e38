import { describe, expect, it } from "vitest";
import { withHashedCode } from "../src/conversation/move-code-intake.js";
import type { Inbound } from "../src/core/conversation/inbound.js";
import { hashMoveCode, moveCodeDigest, newMoveCode } from "../src/core/conversation/move-code.js";
import { routeInbound } from "../src/core/conversation/router.js";

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

  it("the intake queues a code's SHA-256 only, never the code, its text or its action", () => {
    const typed = inbound({ text: "/continue K7QXM-P3WZD" });
    const queued = withHashedCode(typed, routeInbound(typed));
    expect(JSON.stringify(queued)).not.toMatch(/K7QXM|P3WZD/i);
    expect(queued.intent).toEqual({ kind: "move_here", arg: hashMoveCode("K7QXM-P3WZD") });
    // Case, dashes and spaces do not matter; another code hashes differently.
    expect(hashMoveCode("k7qxm p3wzd")).toBe(hashMoveCode("K7QXMP3WZD"));
    expect(hashMoveCode("K7QXM-P3WZE")).not.toBe(hashMoveCode("K7QXM-P3WZD"));
    // Other intents pass unchanged.
    const other = inbound({ text: "make it red" });
    expect(withHashedCode(other, { kind: "turn" })).toEqual({ inbound: other, intent: { kind: "turn" } });
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
