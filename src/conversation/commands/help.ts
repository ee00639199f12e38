import { ANSWER_ACTIONS, buttons } from "../../core/conversation/replies.js";
import { text } from "../../core/conversation/texts.js";
import type { CommandHandler } from "./answers.js";

/** What the bot can do, with the answer buttons. */
export const helpCommand: CommandHandler = async ({ lang, answer }) => {
  await answer.post({ text: text(lang, "help"), actions: buttons(lang, ANSWER_ACTIONS) });
};
