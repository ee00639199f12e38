import { describe, expect, it } from "vitest";
import { decodeCustomId } from "../src/adapters/discord/common/buttons.js";
import { renderDiscordReply } from "../src/adapters/discord/outbound/render-discord.js";
import { parseAction } from "../src/adapters/slack/common/action-ids.js";
import { renderSlackReply } from "../src/adapters/slack/render/render-blocks.js";
import { quickRecordId, replyChoices } from "../src/core/conversation/quick-replies.js";
import { buttons } from "../src/core/conversation/replies.js";
import type { Reply } from "../src/core/conversation/reply.js";
import { componentProblems, interactiveComponents } from "./fakes/discord/components-v2.js";

const record = quickRecordId("1234567890123456789:caption:retry:quick:quick:quick");
const LONG = `A slow aerial shot over the harbour at dawn, ${"then the market waking up, ".repeat(4)}`;

function answer(labels: string[]): Reply {
  return {
    text: "Which one?",
    actions: buttons("en", ["export", "timeline", "credits"]),
    choices: replyChoices(
      record,
      labels.map((label) => ({ label, text: label })),
    ),
  };
}

const few = answer(["Cinematic", LONG, "Documentary"]);
const many = answer(Array.from({ length: 8 }, (_, i) => `Clip ${i + 1}`));

describe("quick replies as each platform shows them", () => {
  it("the record id is short and fixed, however long the answered message's id grew", () => {
    expect(record).toMatch(/^q[\w-]{16}$/);
    expect(quickRecordId("x")).toHaveLength(record.length);
  });

  it("Discord: up to five buttons in their own row above the actions; their ids are short and decode", () => {
    const [part] = renderDiscordReply(few);
    expect(
      componentProblems(part!.body as unknown as Record<string, unknown>, { v2: true, attachmentNames: [] }),
    ).toEqual([]);
    const controls = interactiveComponents(part!.body.components);
    const quick = controls.filter((control) => control.custom_id?.startsWith("nemo:quick_reply:"));
    expect(quick.map((control) => control.label)).toEqual([
      "Cinematic",
      `${LONG.slice(0, 79)}…`,
      "Documentary",
    ]);
    expect(quick[1]!.label).toHaveLength(80);
    for (const [i, control] of quick.entries()) {
      expect(control.custom_id!.length).toBeLessThanOrEqual(100);
      expect(decodeCustomId(control.custom_id!)).toEqual({ kind: "quick_reply", arg: `${record}:${i}` });
    }
    expect(controls.map((control) => control.custom_id).slice(3, 6)).toEqual([
      "nemo:export",
      "nemo:timeline",
      "nemo:credits",
    ]);
  });

  it("Discord: six to 25 become one select menu (nemo:quick) whose values are the buttons' ids", () => {
    const [part] = renderDiscordReply(many);
    expect(
      componentProblems(part!.body as unknown as Record<string, unknown>, { v2: true, attachmentNames: [] }),
    ).toEqual([]);
    const select = interactiveComponents(part!.body.components).find(
      (control) => control.custom_id === "nemo:quick",
    )!;
    expect(select.options!.map((option) => option.value)).toEqual(
      Array.from({ length: 8 }, (_, i) => `nemo:quick_reply:${record}:${i}`),
    );
  });

  it("Slack: buttons (labels capped at 75) or a static_select, values `<record>:<index>`, before the actions", () => {
    const [message] = renderSlackReply(few);
    const blocks = message!.blocks as {
      type: string;
      block_id?: string;
      elements?: Record<string, unknown>[];
    }[];
    const quick = blocks.find((block) => block.block_id === "nemo_quick_replies")!;
    expect(blocks.indexOf(quick)).toBe(blocks.length - 2);
    const labels = quick.elements!.map((element) => (element.text as { text: string }).text);
    expect(labels[1]).toHaveLength(75);
    for (const [i, element] of quick.elements!.entries()) {
      // Slack refuses a block whose elements share an action_id: each button has its own.
      expect(element.action_id).toBe(i === 0 ? "nemo_quick_reply" : `nemo_quick_reply-${i + 1}`);
      expect(parseAction(element.action_id as string, element.value as string)).toEqual({
        kind: "quick_reply",
        arg: `${record}:${i}`,
      });
    }
    const [long] = renderSlackReply(many);
    const select = (long!.blocks as { block_id?: string; elements?: Record<string, unknown>[] }[]).find(
      (block) => block.block_id === "nemo_quick_replies",
    )!.elements![0]!;
    expect(select).toMatchObject({ type: "static_select", action_id: "nemo_quick_reply" });
    expect((select.options as { value: string }[]).map((option) => option.value)).toHaveLength(8);
  });

  it("without choices nothing changes", () => {
    const plain: Reply = { text: "Done.", actions: buttons("en", ["export"]) };
    expect(JSON.stringify(renderDiscordReply(plain))).not.toContain("quick");
    expect(JSON.stringify(renderSlackReply(plain))).not.toContain("quick");
  });
});
