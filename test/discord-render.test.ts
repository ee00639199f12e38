import { describe, expect, it } from "vitest";
import { decodeCustomId, encodeCustomId } from "../src/adapters/discord/common/buttons.js";
import { stripMention } from "../src/adapters/discord/inbound/inbound-message.js";
import { isPlaceAllowed } from "../src/adapters/discord/inbound/place-policy.js";
import { threadName } from "../src/adapters/discord/inbound/thread-names.js";
import {
  type DiscordPart,
  escapeText,
  renderDiscordReply,
  withVideo,
} from "../src/adapters/discord/outbound/render-discord.js";
import { splitMessage } from "../src/adapters/discord/outbound/split-message.js";
import {
  componentProblems,
  galleryUrls,
  interactiveComponents,
  shownText,
} from "./fakes/discord/components-v2.js";

const squash = (text: string) => text.replace(/\s+/g, " ").trim();

describe("splitMessage", () => {
  it("keeps short text whole", () => {
    expect(splitMessage("hello")).toEqual(["hello"]);
    expect(splitMessage("   ")).toEqual([]);
  });

  it("cuts at paragraph breaks first, then sentence ends, never over the limit, losing nothing", () => {
    const paragraph = (n: number) =>
      Array.from({ length: 12 }, (_, i) => `Paragraph ${n} sentence ${i + 1} is right here.`).join(" ");
    const text = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(paragraph).join("\n\n");
    expect(text.length).toBeGreaterThan(5_000);
    const parts = splitMessage(text);
    expect(parts.every((part) => part.length <= 2_000)).toBe(true);
    expect(parts.slice(0, -1).every((part) => part.endsWith("sentence 12 is right here."))).toBe(true);
    expect(squash(parts.join(" "))).toBe(squash(text));
  });

  it("falls back to sentence ends inside one long paragraph", () => {
    const text = Array.from({ length: 120 }, (_, i) => `Sentence ${i + 1} ends here!`).join(" ");
    const parts = splitMessage(text, 500);
    expect(parts.length).toBeGreaterThan(4);
    expect(parts.every((part) => part.length <= 500 && /!$/.test(part))).toBe(true);
    expect(squash(parts.join(" "))).toBe(squash(text));
  });

  it("cuts a single huge word hard, but not inside a surrogate pair or an escape", () => {
    const emoji = "😀".repeat(30);
    const parts = splitMessage(emoji, 15);
    expect(parts.every((part) => part.length <= 15 && !/[\ud800-\udbff]$/.test(part))).toBe(true);
    expect(parts.join("")).toBe(emoji);
    const escaped = `${"a".repeat(9)}\\*${"b".repeat(10)}`;
    const [first] = splitMessage(escaped, 10);
    expect(first).toBe("a".repeat(9));
  });
});

describe("escapeText", () => {
  it("escapes markdown in backend text but keeps URLs clickable", () => {
    expect(escapeText("**bold** _it_ ~~gone~~ ||spoiler|| `code`")).toBe(
      "\\*\\*bold\\*\\* \\_it\\_ \\~\\~gone\\~\\~ \\|\\|spoiler\\|\\| \\`code\\`",
    );
    expect(escapeText("# Big heading")).toBe("\\# Big heading");
    expect(escapeText("see https://x.example/render_a_b.mp4.")).toBe("see https://x.example/render_a_b.mp4.");
  });

  it("defuses masked links (phishing) in backend text", () => {
    expect(escapeText("[Claim prize](https://evil.example)")).toBe("\\[Claim prize\\](https://evil.example)");
  });
});

describe("renderDiscordReply", () => {
  const text = (part: DiscordPart) => shownText("", part.body.components);
  const controls = (part: DiscordPart) => interactiveComponents(part.body.components);
  const valid = (part: DiscordPart) =>
    componentProblems(part.body as unknown as Record<string, unknown>, {
      v2: true,
      attachmentNames: [part.video?.fileName ?? ""],
    });

  it("renders Components V2: a container of text displays, allowed_mentions on every body, no content or embeds", () => {
    const [part, ...rest] = renderDiscordReply({
      progress: "⏳ Working…",
      text: "Done *now*",
      actions: [{ kind: "timeline", label: "Timeline" }],
    });
    expect(rest).toEqual([]);
    expect(part!.body.flags).toBe(1 << 15);
    expect(part!.body).not.toHaveProperty("content");
    expect(part!.body).not.toHaveProperty("embeds");
    expect(part!.body.allowed_mentions).toEqual({ parse: [] });
    expect(part!.body.components.map((c) => c.type)).toEqual([17, 1]);
    expect(text(part!)).toBe("⏳ Working…\nDone \\*now\\*");
    expect(controls(part!)).toEqual([{ type: 2, style: 2, label: "Timeline", custom_id: "nemo:timeline" }]);
    expect(valid(part!)).toEqual([]);
  });

  it("offers Edit and Add media on answers, and a select menu when there are more than five choices", () => {
    const answer = renderDiscordReply({
      text: "Here you go",
      actions: [
        { kind: "export", label: "Export" },
        { kind: "timeline", label: "Timeline" },
        { kind: "credits", label: "Credits" },
      ],
    })[0]!;
    expect(controls(answer).map((c) => c.custom_id)).toEqual([
      "nemo:export",
      "nemo:timeline",
      "nemo:credits",
      "nemo:modal:edit",
      "nemo:modal:media",
    ]);
    const many = renderDiscordReply({
      text: "Choose",
      actions: [
        { kind: "export", label: "Export" },
        { kind: "timeline", label: "Timeline" },
        { kind: "credits", label: "Credits" },
        { kind: "new", label: "New project" },
        { kind: "retry", label: "Retry", arg: "111:caption" },
      ],
    })[0]!;
    const [select] = controls(many);
    expect(select!.type).toBe(3);
    expect(select!.custom_id).toBe("nemo:choose");
    expect(select!.options!.map((o) => o.value)).toEqual([
      "nemo:export",
      "nemo:timeline",
      "nemo:credits",
      "nemo:new",
      "nemo:retry:111:caption",
      "nemo:modal:edit",
      "nemo:modal:media",
    ]);
    expect(valid(many)).toEqual([]);
  });

  it("shows a video in a media gallery with its line and the task link; the messenger fills in how it is sent", () => {
    const [part] = renderDiscordReply({
      text: "✅ Ready",
      video: {
        url: "https://files.example/render_a.mp4",
        fileName: "render_a.mp4",
        fallbackUrl: "https://api.example/d",
      },
      links: [{ label: "Open task", url: "https://web.example/task" }],
      actions: [{ kind: "export", label: "Export" }],
    });
    expect(part!.video).toEqual({
      url: "https://files.example/render_a.mp4",
      fileName: "render_a.mp4",
      fallbackUrl: "https://api.example/d",
    });
    expect(galleryUrls(part!.body.components)).toEqual(["https://files.example/render_a.mp4"]);
    expect(text(part!)).toBe(
      "✅ Ready\n▶️ https://files.example/render_a.mp4\n[Open task](https://web.example/task)",
    );
    const attached = withVideo(part!.body, part!.video!, {
      attachment: "render_a.mp4",
      sizeBytes: 2_500_000,
    });
    expect(galleryUrls(attached.components)).toEqual(["attachment://render_a.mp4"]);
    expect(shownText("", attached.components)).toContain("▶️ https://files.example/render_a.mp4 · 2.4 MB");
    expect(valid({ body: attached, video: part!.video })).toEqual([]);
  });

  it("shows errors as such and links as markdown links", () => {
    const [part] = renderDiscordReply({
      text: "You're out of credits.",
      tone: "error",
      links: [{ label: "Register [now]", url: "https://web.example/register?a=(1)" }],
    });
    expect(text(part!)).toBe(
      "⚠️ You're out of credits.\n[Register \\[now\\]](https://web.example/register?a=%281%29)",
    );
    expect((part!.body.components[0] as { accent_color?: number }).accent_color).toBe(0xed4245);
  });

  it("drops a Retry whose id cannot fit in a custom_id; a Cancel falls back to the newest waiting message", () => {
    const arg = "9".repeat(120);
    const [part] = renderDiscordReply({
      text: "x",
      actions: [
        { kind: "retry", label: "Retry", arg },
        { kind: "cancel", label: "Cancel", arg },
      ],
    });
    expect(controls(part!).map((b) => b.custom_id)).toEqual(["nemo:cancel"]);
  });

  it("never sends an empty message, and splits long text within the V2 text limit", () => {
    expect(text(renderDiscordReply({})[0]!)).toBe("…");
    const parts = renderDiscordReply({
      text: "word ".repeat(3000),
      actions: [{ kind: "export", label: "Export" }],
    });
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(valid(part)).toEqual([]);
  });
});

describe("button custom_id", () => {
  it("round-trips and stays within 100 characters", () => {
    for (const action of [
      { kind: "export" as const },
      { kind: "cancel" as const, arg: "1234567890123456789" },
      { kind: "retry" as const, arg: "123:retry:456" },
    ]) {
      const id = encodeCustomId(action)!;
      expect(id.length).toBeLessThanOrEqual(100);
      expect(decodeCustomId(id)).toEqual(action);
    }
  });

  it("refuses unknown kinds, unexpected or malformed arguments and other apps' ids", () => {
    for (const id of [
      "nemo:launch",
      "nemo:export:123",
      "nemo:cancel:<@everyone>",
      "nemo:cancel:",
      "other:export",
      "nemo",
      `nemo:cancel:${"1".repeat(100)}`,
    ]) {
      expect(decodeCustomId(id), id).toBeUndefined();
    }
  });
});

describe("thread names, mentions and allowlists", () => {
  it("names a thread from the prompt: no mentions, one line, at most 100 characters", () => {
    expect(threadName("<@123> make a video\nof   cats <#456>")).toBe("make a video of cats");
    expect(threadName("<@123>")).toBe("Nemo video");
    const long = threadName("word ".repeat(60));
    expect(long.length).toBeLessThanOrEqual(100);
    expect(long.endsWith("word…")).toBe(true);
    expect(threadName("😀".repeat(80)).length).toBeLessThanOrEqual(100);
  });

  it("strips the bot mention only", () => {
    expect(stripMention("<@42> hi <@!42> and <@7>", "42")).toBe("hi and <@7>");
  });

  it("applies the guild and channel allowlists; threads count as their parent; DMs follow allowedGuilds", () => {
    const open = { allowedGuilds: [], allowedChannels: [] };
    const strict = { allowedGuilds: ["g1"], allowedChannels: ["c1"] };
    expect(isPlaceAllowed({ guildId: "g9", channelId: "c9" }, open)).toBe(true);
    expect(isPlaceAllowed({ guildId: "g1", channelId: "c1" }, strict)).toBe(true);
    expect(isPlaceAllowed({ guildId: "g1", channelId: "t1", parentId: "c1" }, strict)).toBe(true);
    expect(isPlaceAllowed({ guildId: "g1", channelId: "c2" }, strict)).toBe(false);
    expect(isPlaceAllowed({ guildId: "g2", channelId: "c1" }, strict)).toBe(false);
    expect(isPlaceAllowed({ guildId: null, channelId: "d1" }, open)).toBe(true);
    expect(isPlaceAllowed({ guildId: null, channelId: "d1" }, strict)).toBe(false);
    expect(
      isPlaceAllowed({ guildId: null, channelId: "d1" }, { ...strict, allowedGuilds: ["g1", "dm"] }),
    ).toBe(true);
  });
});
