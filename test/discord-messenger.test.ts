import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDiscordMessenger } from "../src/adapters/discord/index.js";
import type { ConversationRef } from "../src/core/conversation/conversation-ref.js";
import type { Messenger } from "../src/core/conversation/messenger.js";
import { silentLogger } from "../src/core/logger.js";
import { galleryUrls, interactiveComponents } from "./fakes/discord/components-v2.js";
import { FakeDiscord } from "./fakes/discord/fake-discord.js";
import { latest } from "./fakes/discord/model.js";
import { runFakeClockUntil } from "./helpers/fake-clock.js";

let fake: FakeDiscord;
let messenger: Messenger;
let ref: ConversationRef;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  messenger = createDiscordMessenger({ token: fake.token, apiUrl: fake.apiUrl, logger: silentLogger() });
  const start = fake.say(fake.general.id, "a message to hang a thread on");
  const thread = fake.createThread(fake.general.id, "messenger tests", start.id);
  ref = { platform: "discord", workspace: fake.guild.id, channel: fake.general.id, thread: thread.id };
});
afterAll(async () => {
  await fake?.close();
});

const long = Array.from({ length: 150 }, (_, i) => `Line ${i + 1} of a long answer from the backend.`).join(
  " ",
);
const buttons = [
  { kind: "export" as const, label: "Export" },
  { kind: "cancel" as const, label: "Cancel", arg: "123456789012345678" },
];

describe("Discord messenger (REST only)", () => {
  it("posts into the thread with the bot token, no gateway connection, and pings nobody", async () => {
    const id = await messenger.post(ref, { progress: "⏳ On it…", text: "Hi @everyone", actions: buttons });
    const message = fake.messages.get(id)!;
    expect(message.channelId).toBe(ref.thread);
    expect(latest(message).content).toBe("⏳ On it…\nHi @everyone");
    expect(latest(message).allowedMentions).toEqual({ parse: [] });
    expect(message.flags & (1 << 15)).toBe(1 << 15);
    expect(interactiveComponents(latest(message).components)).toEqual([
      { type: 2, style: 1, label: "Export", custom_id: "nemo:export" },
      { type: 2, style: 4, label: "Cancel", custom_id: "nemo:cancel:123456789012345678" },
      { type: 2, style: 2, emoji: { name: "✏️" }, custom_id: "nemo:modal:edit" },
      { type: 2, style: 2, emoji: { name: "🔗" }, custom_id: "nemo:modal:media" },
    ]);
    expect(fake.gateway.connectedSessions).toBe(0);
    expect(fake.requests.filter((r) => r.path === "/gateway/bot")).toEqual([]);
    expect(fake.requests.at(-1)!.auth).toBe("bot");
  });

  it("posts a long reply as several messages within the V2 text limit and returns the first one's id", async () => {
    const before = fake.botMessagesIn(ref.thread).length;
    const id = await messenger.post(ref, { text: long, actions: buttons });
    const parts = fake.botMessagesIn(ref.thread).slice(before);
    expect(parts.length).toBe(3);
    expect(parts[0]!.id).toBe(id);
    expect(parts.every((part) => latest(part).content.length <= 4_000)).toBe(true);
    expect(
      parts.slice(0, -1).every((part) => interactiveComponents(latest(part).components).length === 0),
    ).toBe(true);
    expect(interactiveComponents(latest(parts.at(-1)!).components)).toHaveLength(4);
  });

  it("edits a multi-part reply: the message becomes the first part (old buttons cleared), the rest is posted", async () => {
    const id = await messenger.post(ref, { progress: "⏳ Queued", actions: buttons });
    const before = fake.botMessagesIn(ref.thread).length;
    await messenger.edit(ref, id, { text: long, actions: buttons });
    const edited = fake.messages.get(id)!;
    expect(edited.versions).toHaveLength(2);
    expect(latest(edited).content).toMatch(/^Line 1 of/);
    expect(interactiveComponents(latest(edited).components)).toEqual([]);
    expect(latest(edited).allowedMentions).toEqual({ parse: [] });
    const added = fake.botMessagesIn(ref.thread).slice(before);
    expect(added).toHaveLength(2);
    expect(latest(added.at(-1)!).content).toMatch(/Line 150 of a long answer from the backend\.$/);
  });

  it("rejects an edit Discord refuses (unknown message) coded MESSAGE_GONE, so the core posts anew", async () => {
    await expect(messenger.edit(ref, "1", { text: "late" })).rejects.toMatchObject({
      code: "MESSAGE_GONE",
      status: 404,
      discordCode: 10008,
    });
  });

  it("waits out a 429 as Discord asks and then delivers", async () => {
    fake.failNext("POST", new RegExp(`^/channels/${ref.thread}/messages$`), 429, {
      body: { message: "You are being rate limited.", retry_after: 0.2, global: false },
      headers: {
        "retry-after": "0.2",
        "x-ratelimit-limit": "5",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset-after": "0.2",
        "x-ratelimit-bucket": "fake-bucket",
        "x-ratelimit-scope": "user",
      },
    });
    // A fake clock (timers and `Date`: the library's bucket and the fake's request times); sockets run as usual.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    let id: string;
    try {
      let settled = false;
      const posting = messenger.post(ref, { text: "after the limit" }).finally(() => {
        settled = true;
      });
      await runFakeClockUntil(() => settled, "the post after the rate limit", 20);
      id = await posting;
    } finally {
      vi.useRealTimers();
    }
    expect(latest(fake.messages.get(id)!).content).toBe("after the limit");
    const attempts = fake.requests
      .filter((r) => r.method === "POST" && r.path === `/channels/${ref.thread}/messages`)
      .slice(-2);
    expect(attempts.map((a) => a.status)).toEqual([429, 200]);
    // Sent again only once the (fake) clock had passed Discord's Retry-After.
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(200);
  });

  it("shows a video it cannot fetch as its direct link in a media gallery, with the task link", async () => {
    const unreachable = "http://127.0.0.1:9/render_a_b.mp4";
    const id = await messenger.post(ref, {
      text: "✅ Your video is ready",
      video: { url: unreachable, fileName: "render_a_b.mp4" },
      links: [{ label: "Open in NemoVideo", url: "https://web.example/workspace/claim?task=t1" }],
    });
    const message = fake.messages.get(id)!;
    expect(latest(message).content).toBe(
      `✅ Your video is ready\n▶️ ${unreachable}\n[Open in NemoVideo](https://web.example/workspace/claim?task=t1)`,
    );
    expect(galleryUrls(latest(message).components)).toEqual([unreachable]);
    expect(message.uploads).toEqual([]);
  });

  it("replies to a DM in the DM channel", async () => {
    const dm = fake.dmWith(fake.bob);
    const id = await messenger.post(
      { platform: "discord", workspace: "dm", channel: dm.id, thread: dm.id },
      { text: "hi" },
    );
    expect(fake.messages.get(id)!.channelId).toBe(dm.id);
  });
});
