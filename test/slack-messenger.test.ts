import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ephemeralRef, slackRef } from "../src/adapters/slack/common/slack-ref.js";
import { createSlackMessenger } from "../src/adapters/slack/outbound/slack-messenger.js";
import type { Messenger } from "../src/core/conversation/messenger.js";
import { silentLogger } from "../src/core/logger.js";
import { FakeSlackApi } from "./fakes/slack/fake-slack-api.js";

const BOT = "xoxb-messenger-test";
let fake: FakeSlackApi;
let messenger: Messenger;
beforeAll(async () => {
  fake = await FakeSlackApi.start({ botToken: BOT });
  // Without the trailing slash on purpose: @slack/web-api needs one, the messenger adds it.
  messenger = createSlackMessenger({ botToken: BOT, apiUrl: fake.apiUrl, logger: silentLogger() });
});
afterAll(async () => {
  await fake.close();
});

describe("the Slack messenger", () => {
  it("posts into the thread and edits with chat.update", async () => {
    const ref = slackRef("T1", "C1", "111.000");
    const id = await messenger.post(ref, { progress: "⏳ On it…" });
    await messenger.edit(ref, id, { text: "Done", actions: [{ kind: "export", label: "Export" }] });
    const post = fake.callsOf("chat.postMessage").at(-1)!;
    expect(post.params).toMatchObject({
      channel: "C1",
      thread_ts: "111.000",
      text: "⏳ On it…",
      unfurl_links: false,
    });
    expect(post.authorization).toBe(`Bearer ${BOT}`);
    expect(fake.callsOf("chat.update").at(-1)!.params).toMatchObject({ channel: "C1", ts: id, text: "Done" });
    expect(fake.thread("C1", "111.000").at(-1)!.versions).toHaveLength(2);
  });

  it("posts to a DM's own conversation without thread_ts", async () => {
    await messenger.post(slackRef("T1", "D7", "D7"), { text: "hello" });
    expect(fake.callsOf("chat.postMessage").at(-1)!.params.thread_ts).toBeUndefined();
  });

  it("rejects a refused edit, coded MESSAGE_GONE so the core posts a new message", async () => {
    await expect(messenger.edit(slackRef("T1", "C1", "111.000"), "999.999", { text: "x" })).rejects.toThrow(
      /message_not_found/,
    );
    await expect(
      messenger.edit(slackRef("T1", "C1", "111.000"), "999.999", { text: "x" }),
    ).rejects.toMatchObject({ code: "MESSAGE_GONE" });
    fake.fail("chat.postMessage", "ratelimited");
    await expect(messenger.post(slackRef("T1", "C1", "111.000"), { text: "x" })).rejects.toThrow(
      /ratelimited/,
    );
  });

  it("waits out a rate limit (the client's own handling) and refuses one longer than its bound", async () => {
    const ref = slackRef("T1", "C1", "111.000");
    const id = await messenger.post(ref, { text: "a" });
    const updates = fake.callsOf("chat.update").length;
    fake.rateLimit("chat.update", 0);
    await messenger.edit(ref, id, { text: "b" });
    expect(fake.callsOf("chat.update").length - updates).toBe(2);
    const bounded = createSlackMessenger({
      botToken: BOT,
      apiUrl: fake.apiUrl,
      maxRateLimitWaitMs: 10_000,
      logger: silentLogger(),
    });
    fake.rateLimit("chat.update", 30);
    await expect(bounded.edit(ref, id, { text: "c" })).rejects.toMatchObject({
      code: "RATE_LIMITED",
      retryAfterMs: 30_000,
    });
    expect(fake.callsOf("chat.update").length - updates).toBe(3);
    expect(fake.thread("C1", "111.000").find((message) => message.ts === id)!.text).toBe("b");
  });

  it("sends ephemeral conversations with chat.postEphemeral, which cannot be edited", async () => {
    const ref = ephemeralRef("T1", "C2", "U5");
    const id = await messenger.post(ref, { text: "Credits: 10 available" });
    expect(fake.callsOf("chat.postEphemeral").at(-1)!.params).toMatchObject({ channel: "C2", user: "U5" });
    await expect(messenger.edit(ref, id, { text: "y" })).rejects.toMatchObject({ code: "MESSAGE_GONE" });
  });

  it("splits a very long reply over several messages in the thread, buttons on the last", async () => {
    const before = fake.callsOf("chat.postMessage").length;
    const text = Array.from({ length: 120 }, (_, i) => `L${i} ${"word ".repeat(560)}`).join("\n\n");
    await messenger.post(slackRef("T1", "C3", "333.000"), {
      text,
      actions: [{ kind: "retry", label: "Retry", arg: "Ev1" }],
    });
    const posts = fake.callsOf("chat.postMessage").slice(before);
    expect(posts.length).toBeGreaterThan(1);
    for (const post of posts) {
      const blocks = post.params.blocks as { type: string; text?: { text: string } }[];
      expect(post.params.thread_ts).toBe("333.000");
      expect(blocks.length).toBeLessThanOrEqual(50);
      expect(String(post.params.text).length).toBeLessThanOrEqual(4000);
    }
    const last = posts.at(-1)!.params.blocks as { type: string }[];
    expect(last.at(-1)).toMatchObject({
      type: "actions",
      elements: [{ action_id: "nemo_retry", value: "Ev1" }],
    });
    expect(posts.slice(0, -1).some((post) => JSON.stringify(post.params.blocks).includes('"actions"'))).toBe(
      false,
    );
  });
});
