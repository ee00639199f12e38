import type { NemoEvent } from "./types.js";

/**
 * Turns the `data:` payloads of `/run_sse` (either dialect) into normalised events.
 * Stateful: agent-dialect partial text followed by the same text as one final event is shown once.
 */
export class SseEventNormalizer {
  /** Partial text shown since the last final text event. */
  private partialText = "";

  /** Events for one payload; `undefined` when the payload is malformed or of an unknown shape. */
  normalize(data: string): NemoEvent[] | undefined {
    if (data.trim() === "") return [{ kind: "heartbeat" }];
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return undefined;
    }
    if (!isRecord(payload)) return undefined;
    if (typeof payload.type === "string") return this.typed(payload);
    if (isRecord(payload.content) || "partial" in payload || "author" in payload) return this.agent(payload);
    return undefined;
  }

  private typed(payload: Record<string, unknown>): NemoEvent[] | undefined {
    switch (payload.type) {
      case "text": {
        const text = typeof payload.content === "string" ? payload.content : payload.text;
        return typeof text === "string" ? (text ? [{ kind: "text", text }] : []) : undefined;
      }
      case "tool_call":
        return typeof payload.name === "string"
          ? [{ kind: "tool_call", name: payload.name, args: isRecord(payload.args) ? payload.args : {} }]
          : undefined;
      case "tool_result":
        return typeof payload.name === "string"
          ? [{ kind: "tool_result", name: payload.name, result: payload.result }]
          : undefined;
      case "heartbeat":
      case "ping":
        return [{ kind: "heartbeat" }];
      default:
        return undefined;
    }
  }

  private agent(payload: Record<string, unknown>): NemoEvent[] | undefined {
    const content = payload.content;
    if (content === undefined || content === null) return [{ kind: "heartbeat" }];
    if (!isRecord(content)) return undefined;
    if (content.role !== undefined && content.role !== "model") return [];
    const parts = content.parts;
    if (parts === undefined) return [{ kind: "heartbeat" }];
    if (!Array.isArray(parts)) return undefined;
    const partial = payload.partial === true;
    const events: NemoEvent[] = [];
    for (const part of parts) {
      if (!isRecord(part)) continue;
      if (typeof part.text === "string") {
        const shown = partial ? this.addPartial(part.text) : this.addFinal(part.text);
        if (shown) events.push({ kind: "text", text: shown });
      } else if (isRecord(part.functionCall) && typeof part.functionCall.name === "string") {
        const args = part.functionCall.args;
        events.push({ kind: "tool_call", name: part.functionCall.name, args: isRecord(args) ? args : {} });
      } else if (isRecord(part.functionResponse) && typeof part.functionResponse.name === "string") {
        events.push({
          kind: "tool_result",
          name: part.functionResponse.name,
          result: part.functionResponse.response,
        });
      }
    }
    return events;
  }

  private addPartial(text: string): string {
    this.partialText += text;
    return text;
  }

  /** The part of a final text not already shown as partial chunks. */
  private addFinal(text: string): string {
    const shown = this.partialText;
    this.partialText = "";
    if (!shown) return text;
    if (text === shown || text.trim() === shown.trim()) return "";
    if (text.startsWith(shown)) return text.slice(shown.length);
    return text;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
