import type { Inbound } from "../core/conversation/inbound.js";
import { hashMoveCode } from "../core/conversation/move-code.js";
import type { Intent } from "../core/conversation/router.js";

/**
 * A continue code never reaches a queue (nor a job's data, nor a log): the intake queues its SHA-256
 * (`sha256:<hex>`) as the intent's argument, and drops the text and action that carried it (a typed
 * `/continue CODE`, a slash command's option). Anything else passes unchanged.
 */
export function withHashedCode(inbound: Inbound, intent: Intent): { inbound: Inbound; intent: Intent } {
  if (intent.kind !== "move_here") return { inbound, intent };
  const bare: Inbound = { ...inbound, text: "", attachments: [], action: undefined };
  return { inbound: bare, intent: { kind: "move_here", arg: hashMoveCode(intent.arg ?? "") } };
}
