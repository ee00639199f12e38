import { describe, expect, it } from "vitest";
import { deliverPrivately } from "../src/conversation/private-delivery.js";
import type { ConversationRef } from "../src/core/conversation/conversation-ref.js";
import type { Messenger } from "../src/core/conversation/messenger.js";
import type { Reply } from "../src/core/conversation/reply.js";
import { silentLogger } from "../src/core/logger.js";

const ref: ConversationRef = { platform: "slack", workspace: "T", channel: "C", thread: "1.2" };
const reply: Reply = { text: "secret link" };

/** A messenger whose private ways record their use, or fail when listed in `failing`. */
function messenger(ways: ("postPrivately" | "postEphemeral" | "postDirect")[], failing: string[] = []) {
  const used: string[] = [];
  const way = (name: string) => async () => {
    used.push(name);
    if (failing.includes(name)) throw new Error(`${name} refused`);
  };
  const subject: Messenger = {
    post: async () => {
      used.push("post");
      return "m1";
    },
    edit: async () => undefined,
  };
  for (const name of ways) Object.assign(subject, { [name]: way(name) });
  return { subject, used };
}

function parts(subject: Messenger, posted: string[]) {
  return {
    messengers: { slack: subject },
    outbox: {
      post: async () => {
        posted.push("thread");
        return undefined;
      },
    },
    logger: silentLogger(),
  };
}

describe("deliverPrivately", () => {
  it("uses the command's private address first, then an ephemeral note, then a DM", async () => {
    const all = ["postPrivately", "postEphemeral", "postDirect"] as const;
    const first = messenger([...all]);
    const posted: string[] = [];
    const to = { ref, userId: "U1", privateReplyTo: "https://respond" };
    expect(await deliverPrivately(parts(first.subject, posted), to, reply)).toBe(true);
    expect(first.used).toEqual(["postPrivately"]);

    const noAddress = messenger([...all]);
    expect(await deliverPrivately(parts(noAddress.subject, posted), { ref, userId: "U1" }, reply)).toBe(true);
    expect(noAddress.used).toEqual(["postEphemeral"]);

    const refused = messenger([...all], ["postPrivately", "postEphemeral"]);
    expect(await deliverPrivately(parts(refused.subject, posted), to, reply)).toBe(true);
    expect(refused.used).toEqual(["postPrivately", "postEphemeral", "postDirect"]);
    expect(posted).toEqual([]);
  });

  it("never falls back to the thread when every private way fails", async () => {
    const failing = messenger(["postEphemeral", "postDirect"], ["postEphemeral", "postDirect"]);
    const posted: string[] = [];
    expect(await deliverPrivately(parts(failing.subject, posted), { ref, userId: "U1" }, reply)).toBe(false);
    expect(failing.used).not.toContain("post");
    expect(posted).toEqual([]);
  });

  it("shows it in the thread only on a platform with no private way at all (the console)", async () => {
    const console = messenger([]);
    const posted: string[] = [];
    expect(await deliverPrivately(parts(console.subject, posted), { ref, userId: "U1" }, reply)).toBe(true);
    expect(posted).toEqual(["thread"]);
  });
});
