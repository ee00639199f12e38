import type { App } from "@slack/bolt";
import { langFromLocale } from "../../../core/conversation/language.js";
import { errorText } from "../web-api/api-errors.js";
import type { InboundContext } from "./context.js";
import { slackText } from "./slack-texts.js";

/**
 * Slack's AI-app container events. `assistant_thread_started` (someone opened a new assistant thread):
 * after the acknowledgement, suggested prompts in the user's language. `assistant_thread_context_changed`
 * (the user looks at another channel) needs nothing: acknowledged. Messages in the thread arrive as
 * `message.im` and are conversations like any DM thread.
 */
export function registerAssistantListeners(app: App, ctx: InboundContext): void {
  app.event("assistant_thread_started", async ({ event }) => {
    const thread = event.assistant_thread;
    const channel = thread.channel_id || undefined;
    const threadTs = thread.thread_ts || undefined;
    const user = thread.user_id || undefined;
    if (!channel || !threadTs) return;
    // Nothing is queued, so nothing waits on this: the suggestions go out after the acknowledgement.
    void suggestPrompts(ctx, channel, threadTs, user);
  });
  app.event("assistant_thread_context_changed", async () => undefined);
}

async function suggestPrompts(
  ctx: InboundContext,
  channel: string,
  threadTs: string,
  user: string | undefined,
): Promise<void> {
  try {
    const lang = langFromLocale(user ? (await ctx.users.lookup(user)).locale : undefined);
    const prompt = (key: "product" | "travel" | "explainer") => ({
      title: slackText(lang, `prompt_${key}_title`),
      message: slackText(lang, `prompt_${key}`),
    });
    await ctx.client.assistant.threads.setSuggestedPrompts({
      channel_id: channel,
      thread_ts: threadTs,
      title: slackText(lang, "prompts_title"),
      prompts: [prompt("product"), prompt("travel"), prompt("explainer")],
    });
  } catch (error) {
    ctx.logger.info({ err: errorText(error) }, "slack-suggested-prompts-failed");
  }
}
