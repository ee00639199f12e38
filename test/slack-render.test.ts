import { describe, expect, it } from "vitest";
import { actionId, parseAction } from "../src/adapters/slack/common/action-ids.js";
import { slackTextToPlain } from "../src/adapters/slack/inbound/message-text.js";
import {
  backendTextToMrkdwn,
  escapeMrkdwn,
  mrkdwnLink,
  splitMrkdwn,
} from "../src/adapters/slack/render/mrkdwn.js";
import {
  renderSlackReply,
  SLACK_LIMITS,
  type SlackSectionBlock,
} from "../src/adapters/slack/render/render-blocks.js";

const sections = (blocks: { type: string }[]) =>
  blocks
    .filter((block): block is SlackSectionBlock => block.type === "section")
    .map((block) => block.text.text);

describe("Slack mrkdwn", () => {
  it("escapes &, < and > so no special mention or link survives", () => {
    expect(escapeMrkdwn("<!channel> & <!here|here> <@U1> <https://x.y|z>")).toBe(
      "&lt;!channel&gt; &amp; &lt;!here|here&gt; &lt;@U1&gt; &lt;https://x.y|z&gt;",
    );
    expect(backendTextToMrkdwn("Hi <!everyone>")).toBe("Hi &lt;!everyone&gt;");
  });

  it("makes links only to http(s) URLs, with the label escaped", () => {
    expect(mrkdwnLink("https://a.example/x?y=1&z=2", "A <b>")).toBe(
      "<https://a.example/x?y=1&amp;z=2|A &lt;b&gt;>",
    );
    expect(mrkdwnLink("https://a.example/p|q>r")).toBe("<https://a.example/p%7Cq%3Er>");
    expect(mrkdwnLink("javascript:alert(1)", "click")).toBe("click (javascript:alert(1))");
  });

  it("converts the backend's Markdown bold, headings and links", () => {
    expect(
      backendTextToMrkdwn("## Scenes\n**Intro** see [docs](https://d.example/a_b) or [x](javascript:y)"),
    ).toBe("*Scenes*\n*Intro* see <https://d.example/a_b|docs> or [x](javascript:y)");
    expect(
      backendTextToMrkdwn(
        "Ready: https://cdn.example/v.mp4. Or (https://a.example/?x=1&y=2) <https://b.example>",
      ),
    ).toBe(
      "Ready: <https://cdn.example/v.mp4>. Or (<https://a.example/?x=1&amp;y=2>) &lt;<https://b.example>&gt;",
    );
    expect(backendTextToMrkdwn("see https://a.example/?q=&")).toBe("see <https://a.example/?q=&amp;>");
  });

  it("splits at paragraph, line or word boundaries and never inside an entity or link", () => {
    const text = `${"a".repeat(2990)} &amp;&amp;&amp; <https://x.example|link> tail`;
    for (const piece of splitMrkdwn(text, 3000)) {
      expect(piece.length).toBeLessThanOrEqual(3000);
      expect(piece).not.toMatch(/&[a-z]{0,3}$/);
    }
    const hard = `${"b".repeat(2998)}&amp;${"c".repeat(10)}`;
    const [first, second] = splitMrkdwn(hard, 3000);
    expect(first).toBe("b".repeat(2998));
    expect(second).toBe(`&amp;${"c".repeat(10)}`);
    expect(splitMrkdwn("para one\n\npara two", 12)).toEqual(["para one", "para two"]);
  });
});

describe("renderSlackReply", () => {
  it("renders progress, text, video, links and buttons (Export primary, arg as value)", () => {
    const [message, ...rest] = renderSlackReply({
      progress: "⏳ Working",
      text: "Here it is",
      video: { url: "https://cdn.example/v.mp4", fileName: "v.mp4", title: "Final <cut>" },
      links: [{ label: "Open in NemoVideo", url: "https://web.example/claim?task=1&session=2" }],
      actions: [
        { kind: "export", label: "Export" },
        { kind: "cancel", label: "Cancel", arg: "render:render-abc" },
      ],
    });
    expect(rest).toEqual([]);
    expect(sections(message!.blocks)).toEqual([
      "⏳ Working",
      "Here it is",
      "🎬 <https://cdn.example/v.mp4|Final &lt;cut&gt;>",
      "<https://web.example/claim?task=1&amp;session=2|Open in NemoVideo>",
    ]);
    expect(message!.blocks.at(-1)).toEqual({
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: "nemo_export",
          text: { type: "plain_text", text: "Export", emoji: true },
          style: "primary",
        },
        {
          type: "button",
          action_id: "nemo_cancel",
          text: { type: "plain_text", text: "Cancel", emoji: true },
          value: "render:render-abc",
          style: "danger",
        },
      ],
    });
    expect(message!.text).toContain("Here it is");
  });

  it("marks errors, never renders an empty message, and keeps labels within limits", () => {
    expect(sections(renderSlackReply({ text: "Nope", tone: "error" })[0]!.blocks)).toEqual([
      ":warning: Nope",
    ]);
    expect(renderSlackReply({})).toEqual([
      { text: "…", blocks: [{ type: "section", text: { type: "mrkdwn", text: "…" } }] },
    ]);
    const [message] = renderSlackReply({ actions: [{ kind: "help", label: "H".repeat(100) }] });
    const actions = message!.blocks[0] as { elements: { text: { text: string } }[] };
    expect(actions.elements[0]!.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
    expect(message!.text.length).toBeGreaterThan(0);
  });

  it("keeps every message under Slack's limits for a huge text, buttons on the last message", () => {
    const text = Array.from({ length: 200 }, (_, i) => `Paragraph ${i}: ${"x <y> & z ".repeat(300)}`).join(
      "\n\n",
    );
    const messages = renderSlackReply({ text, actions: [{ kind: "export", label: "Export" }] });
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) {
      expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
      expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
      for (const section of sections(message.blocks))
        expect(section.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(`${message.text}${JSON.stringify(message.blocks)}`).not.toMatch(/<y>/);
    }
    expect(
      messages.filter((message) => message.blocks.some((block) => block.type === "actions")),
    ).toHaveLength(1);
    expect(messages.at(-1)!.blocks.at(-1)!.type).toBe("actions");
    const shown = messages.flatMap((message) => sections(message.blocks)).join("\n");
    for (let i = 0; i < 200; i++) expect(shown).toContain(`Paragraph ${i}:`);
  });
});

describe("buttons and inbound text", () => {
  it("round-trips action ids and refuses malformed buttons", () => {
    expect(parseAction(actionId("export"), undefined)).toEqual({ kind: "export" });
    expect(parseAction("nemo_cancel", "render:render-1a2b")).toEqual({
      kind: "cancel",
      arg: "render:render-1a2b",
    });
    expect(parseAction("nemo_retry", "Ev1:caption")).toEqual({ kind: "retry", arg: "Ev1:caption" });
    expect(parseAction("nemo_delete_all", undefined)).toBeUndefined();
    expect(parseAction("other_export", undefined)).toBeUndefined();
    expect(parseAction("nemo_retry", "<!channel>")).toBeUndefined();
    expect(parseAction("nemo_retry", "a".repeat(201))).toBeUndefined();
  });

  it("turns Slack markup into plain text and drops the bot's mention", () => {
    expect(
      slackTextToPlain(
        "<@UBOT|nemo>: hi <!here> <!subteam^S1|@design> <!date^1|Jan 1> <mailto:a@b.c|a@b.c>",
        "UBOT",
      ),
    ).toBe("hi @here @design Jan 1 a@b.c");
    expect(slackTextToPlain("&lt;!channel&gt; a &amp;lt; b <https://x.example>", "UBOT")).toBe(
      "<!channel> a &lt; b https://x.example",
    );
  });
});

describe("links whose label looks like an address", () => {
  it("show the real target instead of a disguised one", () => {
    expect(backendTextToMrkdwn("[https://paypal.com](https://evil.example/x)")).toBe(
      "https://paypal.com (<https://evil.example/x>)",
    );
    expect(backendTextToMrkdwn("[docs](https://d.example/a)")).toBe("<https://d.example/a|docs>");
  });
});
