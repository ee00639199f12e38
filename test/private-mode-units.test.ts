import { describe, expect, it } from "vitest";
import { PrivateMode } from "../src/conversation/private-mode.js";
import { PrivateOutbox, privateClick } from "../src/conversation/private-outbox.js";
import { type ConversationRef, refKey } from "../src/core/conversation/conversation-ref.js";
import { DeliveryError } from "../src/core/conversation/delivery-error.js";
import type { Inbound } from "../src/core/conversation/inbound.js";
import type { Messenger } from "../src/core/conversation/messenger.js";
import type { Reply } from "../src/core/conversation/reply.js";
import { silentLogger } from "../src/core/logger.js";
import type { PrivateButton } from "../src/store/private-buttons.js";

const THREAD: ConversationRef = { platform: "discord", workspace: "g1", channel: "c1", thread: "t1" };
const DM: ConversationRef = { platform: "discord", workspace: "dm", channel: "d1", thread: "d1" };

/** An outbox that records where each reply went. */
function recordingOutbox() {
  const posted: { ref: ConversationRef; reply: Reply }[] = [];
  return {
    posted,
    post: async (ref: ConversationRef, reply: Reply) => {
      posted.push({ ref, reply });
      return `m${posted.length}`;
    },
    editOrPost: async (ref: ConversationRef, _id: string | undefined, reply: Reply) => {
      posted.push({ ref, reply });
      return `m${posted.length}`;
    },
    deliverLater: async (ref: ConversationRef, _id: string | undefined, reply: Reply) => {
      posted.push({ ref, reply });
    },
  };
}

function privateMode(messenger: Partial<Messenger> | undefined, outbox = recordingOutbox()) {
  const mode = new PrivateMode({
    settings: { effective: async () => ({ privateResults: true }) },
    messengers: messenger ? { discord: messenger as Messenger } : {},
    outbox,
    logger: silentLogger(),
  });
  return { mode, outbox };
}

const sender = { refKey: refKey(THREAD), userId: "u1", lang: "en" as const };

describe("private mode, decided per job", () => {
  it("a rate-limited DM is tried again later: nothing is said in the thread", async () => {
    const limited = new DeliveryError("RATE_LIMITED", "slow down", { retryAfterMs: 2_000 });
    const { mode, outbox } = privateMode({ openDirect: async () => Promise.reject(limited) });
    await expect(mode.decide(sender)).rejects.toBe(limited);
    expect(outbox.posted).toEqual([]);
  });

  it("a platform without direct messages never makes a private job public", async () => {
    const { mode, outbox } = privateMode({});
    expect(await mode.decide(sender)).toEqual({ kind: "unreachable" });
    expect(outbox.posted.map((p) => p.reply.tone)).toEqual(["error"]);
  });

  it("a DM conversation is private already; a sender without an id stays public", async () => {
    const { mode, outbox } = privateMode({ openDirect: async () => DM });
    expect(await mode.decide({ ...sender, refKey: refKey(DM) })).toEqual({ kind: "public" });
    expect(await mode.decide({ ...sender, userId: undefined })).toEqual({ kind: "public" });
    expect(outbox.posted).toEqual([]);
  });
});

describe("a private job's outbox", () => {
  it("sends what the job addresses to its thread to the DM, with bound buttons only", async () => {
    const inner = recordingOutbox();
    const kept: PrivateButton[] = [];
    const buttons = {
      keep: async (button: PrivateButton) => {
        kept.push(button);
        return `tok${kept.length}`;
      },
    };
    const outbox = new PrivateOutbox(
      inner,
      { thread: refKey(THREAD), privateTo: refKey(DM), userId: "u1" },
      buttons,
    );
    await outbox.post(THREAD, {
      text: "answer",
      actions: [
        { kind: "export", label: "Export" },
        { kind: "retry", label: "Retry", arg: "ev1" },
      ],
    });
    expect(inner.posted).toEqual([
      { ref: DM, reply: { text: "answer", actions: [{ kind: "retry", label: "Retry", arg: "pv:tok1" }] } },
    ]);
    expect(kept).toEqual([
      { thread: refKey(THREAD), userId: "u1", dm: refKey(DM), kind: "retry", arg: "ev1" },
    ]);
    expect(outbox.liveTurn()).toBeUndefined();
  });
});

describe("a click on a button of a private copy", () => {
  const button: PrivateButton = {
    thread: refKey(THREAD),
    userId: "u1",
    dm: refKey(DM),
    kind: "retry",
    arg: "ev1",
  };
  const store = { read: async (token: string) => (token === "tok1" ? button : undefined) };
  const click = (overrides: Partial<Inbound> = {}, arg = "pv:tok1"): Inbound => ({
    id: "click1",
    ref: DM,
    user: { id: "u1" },
    text: "",
    attachments: [],
    action: { kind: "retry", arg },
    ...overrides,
  });

  it("acts on the thread, with the button's own argument, for its member in their DM", async () => {
    const resolved = await privateClick(click(), store, silentLogger());
    expect(resolved.ref).toEqual(THREAD);
    expect(resolved.action).toEqual({ kind: "retry", arg: "ev1" });
  });

  it("reaches nothing for another member, another place, another action, or an unknown token", async () => {
    const refused = [
      click({ user: { id: "u2" } }),
      click({ ref: { ...DM, channel: "d2", thread: "d2" } }),
      click({ ref: THREAD }),
      click({ action: { kind: "cancel", arg: "pv:tok1" } }),
      click({}, "pv:forged"),
    ];
    for (const inbound of refused) {
      const resolved = await privateClick(inbound, store, silentLogger());
      expect(resolved).toBe(inbound);
      expect(resolved.action?.arg).toMatch(/^pv:/);
    }
  });

  it("leaves every other click alone", async () => {
    const plain = click({}, "ev1");
    expect(await privateClick(plain, store, silentLogger())).toBe(plain);
  });
});
