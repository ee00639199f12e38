import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleMessenger } from "../src/adapters/console/index.js";
import { createDiscordMessenger } from "../src/adapters/discord/index.js";
import { createSlackMessenger } from "../src/adapters/slack/index.js";
import type { ConversationRef } from "../src/core/conversation/conversation-ref.js";
import type { Messenger } from "../src/core/conversation/messenger.js";
import type { Reply } from "../src/core/conversation/reply.js";
import { silentLogger } from "../src/core/logger.js";
import { FakeDiscord } from "./fakes/discord/fake-discord.js";
import { latest } from "./fakes/discord/model.js";
import { FakeSlackApi } from "./fakes/slack/fake-slack-api.js";
import { RecordingMessenger, replyText } from "./helpers/recording-messenger.js";

/** One implementation under contract: its messenger, a thread, and what that thread shows now. */
interface Subject {
  messenger: Messenger;
  ref: ConversationRef;
  shown(): string;
  close(): Promise<void>;
}

const SLACK_TOKEN = "xoxb-contract-test";
const subjects: Record<string, () => Promise<Subject>> = {
  console: async () => {
    const output = new PassThrough();
    let text = "";
    output.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    const messenger = new ConsoleMessenger({ output, isTTY: false });
    return {
      messenger,
      ref: { platform: "console", workspace: "local", channel: "console", thread: "main" },
      shown: () => text,
      close: async () => undefined,
    };
  },
  recording: async () => {
    const messenger = new RecordingMessenger();
    return {
      messenger,
      ref: { platform: "console", workspace: "local", channel: "test", thread: "t" },
      shown: () => messenger.messages.map((message) => replyText(message.versions.at(-1)!)).join("\n"),
      close: async () => undefined,
    };
  },
  discord: async () => {
    const fake = await FakeDiscord.start();
    const parent = fake.say(fake.general.id, "thread starter");
    const thread = fake.createThread(fake.general.id, "contract", parent.id);
    return {
      messenger: createDiscordMessenger({ token: fake.token, apiUrl: fake.apiUrl, logger: silentLogger() }),
      ref: { platform: "discord", workspace: fake.guild.id, channel: fake.general.id, thread: thread.id },
      shown: () =>
        fake
          .botMessagesIn(thread.id)
          .map((message) => JSON.stringify(latest(message)))
          .join("\n"),
      close: () => fake.close(),
    };
  },
  slack: async () => {
    const fake = await FakeSlackApi.start({ botToken: SLACK_TOKEN });
    return {
      messenger: createSlackMessenger({ botToken: SLACK_TOKEN, apiUrl: fake.apiUrl, logger: silentLogger() }),
      ref: { platform: "slack", workspace: "T1", channel: "C1", thread: "1700000000.000100" },
      shown: () => JSON.stringify(fake.thread("C1", "1700000000.000100")),
      close: () => fake.close(),
    };
  },
};

const LONG = Array.from({ length: 120 }, (_, i) => `Sentence ${i + 1} of a very long backend answer.`).join(
  " ",
);

const HUGE = Array.from({ length: 50 }, (_, i) => `Paragraph ${i + 1}: ${"word ".repeat(580)}`).join("\n\n");

for (const [name, create] of Object.entries(subjects)) {
  describe(`Messenger contract: ${name}`, () => {
    let subject: Subject;
    beforeAll(async () => {
      subject = await create();
    });
    afterAll(async () => {
      await subject.close();
    });

    it("posts a reply and returns an id that edits it", async () => {
      const id = await subject.messenger.post(subject.ref, { progress: "⏳ contract-progress" });
      expect(id).toEqual(expect.any(String));
      expect(id.length).toBeGreaterThan(0);
      await subject.messenger.edit(subject.ref, id, { text: "contract-edited" });
      expect(subject.shown()).toContain("contract-edited");
    });

    it("rejects an edit of a message it does not know, coded MESSAGE_GONE (the core posts anew)", async () => {
      await expect(
        subject.messenger.edit(subject.ref, "999999999999999999", { text: "x" }),
      ).rejects.toMatchObject({ code: "MESSAGE_GONE" });
    });

    it("delivers a long reply part by part when it has parts: post returns the first, edits replace each", async () => {
      const parts = subject.messenger.parts;
      if (!parts) return;
      // Long enough for this platform to need several messages (Slack fits ~135,000 characters in one).
      const text = [LONG, HUGE].find((candidate) => parts.render({ text: candidate }).length > 1);
      if (!text) throw new Error("no text long enough to need several messages");
      const rendered = parts.render({ text });
      const ids: string[] = [];
      for (const part of rendered) ids.push(await parts.post(subject.ref, part));
      expect(new Set(ids).size).toBe(rendered.length);
      const edited = parts.render({ text: `${text} contract-parts-edited` });
      expect(edited).toHaveLength(rendered.length);
      for (const [index, part] of edited.entries()) await parts.edit(subject.ref, ids[index]!, part);
      expect(subject.shown()).toContain("contract-parts-edited");
      const first = await subject.messenger.post(subject.ref, { text: `contract-first ${LONG}` });
      await subject.messenger.edit(subject.ref, first, { text: "contract-first-edited" });
      expect(subject.shown()).toContain("contract-first-edited");
    });

    it("shows every action as a button with its label", async () => {
      const reply: Reply = {
        text: "contract-buttons",
        actions: [
          { kind: "export", label: "ExportLabel" },
          { kind: "timeline", label: "TimelineLabel" },
          { kind: "credits", label: "CreditsLabel" },
        ],
      };
      await subject.messenger.post(subject.ref, reply);
      for (const label of ["ExportLabel", "TimelineLabel", "CreditsLabel"])
        expect(subject.shown()).toContain(label);
    });

    it("delivers a long text whole (split where the platform needs it)", async () => {
      await subject.messenger.post(subject.ref, { text: LONG });
      expect(subject.shown()).toContain("Sentence 1 of");
      expect(subject.shown()).toContain("Sentence 120 of a very long backend answer.");
    });

    it("shows a finished video's link and the task link", async () => {
      await subject.messenger.post(subject.ref, {
        text: "contract-video",
        video: { url: "https://cdn.example/v.mp4", fileName: "v.mp4" },
        links: [{ label: "Open in NemoVideo", url: "https://web.example/workspace/claim?task=1&session=2" }],
      });
      expect(subject.shown()).toContain("https://cdn.example/v.mp4");
      expect(subject.shown()).toContain("https://web.example/workspace/claim?task=1");
    });
  });
}
