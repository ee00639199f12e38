import { describe, expect, it } from "vitest";
import { SseEventNormalizer } from "../src/core/nemo/sse-events.js";

describe("SseEventNormalizer", () => {
  it("reads the typed dialect", () => {
    const n = new SseEventNormalizer();
    expect(n.normalize('{"type":"text","content":"Hi"}')).toEqual([{ kind: "text", text: "Hi" }]);
    expect(n.normalize('{"type":"tool_call","name":"generate_video","args":{"p":1}}')).toEqual([
      { kind: "tool_call", name: "generate_video", args: { p: 1 } },
    ]);
    expect(n.normalize('{"type":"tool_result","name":"generate_video","result":{"ok":true}}')).toEqual([
      { kind: "tool_result", name: "generate_video", result: { ok: true } },
    ]);
    expect(n.normalize('{"type":"heartbeat"}')).toEqual([{ kind: "heartbeat" }]);
  });

  it("reads the agent-event dialect", () => {
    const n = new SseEventNormalizer();
    const call = {
      content: { role: "model", parts: [{ functionCall: { name: "seedance_gen", args: { a: 1 } } }] },
    };
    expect(n.normalize(JSON.stringify(call))).toEqual([
      { kind: "tool_call", name: "seedance_gen", args: { a: 1 } },
    ]);
    const result = {
      content: { role: "model", parts: [{ functionResponse: { name: "x", response: { r: 2 } } }] },
    };
    expect(n.normalize(JSON.stringify(result))).toEqual([
      { kind: "tool_result", name: "x", result: { r: 2 } },
    ]);
  });

  it("shows partial text chunks once, not again when the final repeats them", () => {
    const n = new SseEventNormalizer();
    const part = (text: string, partial: boolean) =>
      JSON.stringify({ content: { role: "model", parts: [{ text }] }, author: "nemo_agent", partial });
    const shown = [
      ...n.normalize(part("Hello ", true))!,
      ...n.normalize(part("world", true))!,
      ...n.normalize(part("Hello world", false))!,
      ...n.normalize(part("Next.", false))!,
    ];
    expect(shown).toEqual([
      { kind: "text", text: "Hello " },
      { kind: "text", text: "world" },
      { kind: "text", text: "Next." },
    ]);
  });

  it("shows only the new tail when the final extends the partials", () => {
    const n = new SseEventNormalizer();
    const part = (text: string, partial: boolean) =>
      JSON.stringify({ content: { parts: [{ text }] }, partial });
    n.normalize(part("Hello", true));
    expect(n.normalize(part("Hello there", false))).toEqual([{ kind: "text", text: " there" }]);
  });

  it("treats empty data as a keep-alive and flags malformed payloads", () => {
    const n = new SseEventNormalizer();
    expect(n.normalize("")).toEqual([{ kind: "heartbeat" }]);
    expect(n.normalize("{not json")).toBeUndefined();
    expect(n.normalize('{"type":"mystery"}')).toBeUndefined();
    expect(n.normalize("[1,2]")).toBeUndefined();
    expect(n.normalize('{"foo":1}')).toBeUndefined();
  });

  it("ignores events authored by the user role", () => {
    const n = new SseEventNormalizer();
    expect(n.normalize(JSON.stringify({ content: { role: "user", parts: [{ text: "echo" }] } }))).toEqual([]);
  });
});
