import { FakeSlackApi, type FakeSlackMessage } from "../fakes/slack/fake-slack-api.js";
import { blockActionsBody, slashCommandBody } from "../fakes/slack/payloads.js";
import { BOT_USER, type SlackBot, TEAM } from "../fakes/slack/slack-bot-fixture.js";

/** The buttons of a Slack message: action id and value. */
export function slackButtons(message: FakeSlackMessage): { action_id: string; value?: string }[] {
  const blocks = (message.blocks ?? []) as {
    type: string;
    elements?: { action_id: string; value?: string }[];
  }[];
  return blocks.filter((block) => block.type === "actions").flatMap((block) => block.elements ?? []);
}

let clicks = 0;

/** A user clicks a button of the bot's message in a thread. */
export function slackClick(
  bot: SlackBot,
  where: { channel: string; threadTs: string; message: FakeSlackMessage },
  user: string,
  actionId: string,
  value?: string,
) {
  clicks++;
  return bot.sendForm(
    blockActionsBody({
      team: TEAM,
      channel: where.channel,
      user,
      botUserId: BOT_USER,
      messageTs: where.message.ts,
      threadTs: where.threadTs,
      actionId,
      ...(value === undefined ? {} : { value }),
      actionTs: `1700009${String(clicks).padStart(3, "0")}.000001`,
      responseUrl: bot.responseUrl(`click-${clicks}`),
    }),
  );
}

/** A `/nemo …` command of `user` in `channel`; its `response_url` is `respond/<trigger>`. */
export function slackCommand(bot: SlackBot, channel: string, user: string, text: string, trigger: string) {
  return bot.sendForm(
    slashCommandBody({
      team: TEAM,
      channel,
      user,
      text,
      triggerId: trigger,
      responseUrl: bot.responseUrl(trigger),
    }),
  );
}

/** `/nemo <prompt>` by `user` in `channel`, answered, then exported by them: the thread and the video's message. */
export async function slackExportedThread(bot: SlackBot, channel: string, user: string, prompt: string) {
  const { fake } = bot;
  const parents = fake.thread(channel, undefined).length;
  await slackCommand(bot, channel, user, prompt, `t-${channel}-${parents}`);
  await fake.waitFor(() => fake.thread(channel, undefined).length > parents, 5_000, "parent message");
  const parent = fake.thread(channel, undefined)[parents]!;
  const answer = () =>
    fake.thread(channel, parent.ts).find((m) => slackButtons(m).some((b) => b.action_id === "nemo_export"));
  await fake.waitFor(() => answer() !== undefined, 15_000, "answer with buttons");
  await slackClick(bot, { channel, threadTs: parent.ts, message: answer()! }, user, "nemo_export");
  const video = () => fake.thread(channel, parent.ts).find((m) => m.text.includes("/files/render_"));
  await fake.waitFor(() => video() !== undefined, 15_000, "video");
  return { threadTs: parent.ts, video: video()! };
}

/** What a chat call or a `response_url` answer shows, as text. */
export function shownIn(params: Record<string, unknown>): string {
  return FakeSlackApi.visible({
    text: String(params.text ?? ""),
    blocks: (typeof params.blocks === "string" ? JSON.parse(params.blocks) : params.blocks) as unknown[],
  });
}
