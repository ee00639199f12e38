import { ANSWER_ACTIONS, buttons } from "../../core/conversation/replies.js";
import type { SessionManager } from "../../core/conversation/session-manager.js";
import { text } from "../../core/conversation/texts.js";
import type { NemoClient } from "../../core/nemo/client.js";
import { summarizeTimeline } from "../../core/nemo/timeline-summary.js";
import { threadCalls } from "../thread-account.js";
import type { CommandHandler } from "./answers.js";
import type { ThreadCallParts } from "./command-parts.js";

export interface StatusParts extends ThreadCallParts {
  sessions: SessionManager;
  client: Pick<NemoClient, "state">;
}

/** The project's timeline, with the answer buttons. */
export function statusCommand(parts: StatusParts): CommandHandler {
  return async ({ inbound, lang, answer }) => {
    const record = await parts.sessions.find(inbound.ref);
    if (!record) return answer.say("status_no_project");
    const { ctx } = await threadCalls(parts, inbound.ref);
    const state = await parts.client.state(ctx, record.sessionId);
    await answer.post({
      text: `${text(lang, "status_header")}\n${summarizeTimeline(state.draft, lang)}`,
      actions: buttons(lang, ANSWER_ACTIONS),
    });
  };
}
