import { refKey } from "../../core/conversation/conversation-ref.js";
import { failureFields } from "../../core/conversation/failure-code.js";
import type { Inbound } from "../../core/conversation/inbound.js";
import { langFromLocale } from "../../core/conversation/language.js";
import { errorReply } from "../../core/conversation/replies.js";
import type { Intent } from "../../core/conversation/router.js";
import { errorMessage } from "../outbox.js";
import { type FollowUps, TryLater } from "../work-queue.js";
import { type AccountParts, accountCommand } from "./account-commands.js";
import { type AnswerParts, Answers, type CommandHandler } from "./answers.js";
import { type CancelParts, cancelCommand } from "./cancel.js";
import { type CreditsParts, creditsCommand } from "./credits.js";
import { type ExportParts, exportCommand } from "./export-command.js";
import { type GuardAnswerParts, guardAnswerCommand } from "./guard-answer.js";
import { helpCommand } from "./help.js";
import { type HistoryParts, historyCommand } from "./history.js";
import { type NewProjectParts, newProjectCommand } from "./new-project.js";
import { type ProjectLinkParts, projectLinkCommand } from "./project-link.js";
import {
  moveCodeCommand,
  moveHereCommand,
  moveThreadCommand,
  type ProjectMoveParts,
} from "./project-move.js";
import { type QuickReplyParts, quickReplyCommand } from "./quick-reply.js";
import { type RetryParts, retryCommand } from "./retry.js";
import { type SettingsParts, settingsCommand } from "./settings.js";
import { type StatusParts, statusCommand } from "./status.js";
import { uploadRefusalsCommand } from "./upload-refusals.js";
import { type UsageParts, usageCommand } from "./usage-report.js";
import { variationCommands } from "./variation-commands.js";
import type { VariationParts } from "./variation-parts.js";

/** What the commands use together: each handler takes its own few of these. */
export type CommandParts = AnswerParts &
  AccountParts &
  CancelParts &
  CreditsParts &
  ExportParts &
  GuardAnswerParts &
  HistoryParts &
  NewProjectParts &
  ProjectLinkParts &
  RetryParts &
  StatusParts &
  UsageParts &
  SettingsParts &
  // Quick replies
  QuickReplyParts &
  VariationParts &
  ProjectMoveParts & { followUps: FollowUps; maxUploadBytes: number };

/** Every intent the bot answers itself, and the handler that answers it. */
function commandTable(parts: CommandParts): Record<Intent["kind"], CommandHandler> {
  const account = accountCommand(parts);
  const guardAnswer = guardAnswerCommand(parts);
  return {
    credits: creditsCommand(parts),
    status: statusCommand(parts),
    login: account,
    logout: account,
    account,
    token_pasted: account,
    continue: guardAnswer,
    drop: guardAnswer,
    new: newProjectCommand(parts),
    help: helpCommand,
    cancel: cancelCommand(parts),
    retry: retryCommand(parts),
    export: exportCommand(parts),
    history: historyCommand(parts),
    project_link: projectLinkCommand(parts),
    usage: usageCommand(parts),
    upload: uploadRefusalsCommand(parts),
    turn: ({ inbound }) => parts.followUps.turn(inbound, inbound.text),
    // Settings (issue 21)
    settings: settingsCommand(parts),
    // Quick replies
    quick_reply: quickReplyCommand(parts),
    // Variations
    ...variationCommands(parts),
    // Continue anywhere
    move_code: moveCodeCommand(parts),
    move_here: moveHereCommand(parts),
    move_thread: moveThreadCommand(parts),
  };
}

/**
 * Answers what the bot handles itself (credits, status, help, new project, cancel, retry, export,
 * refused uploads…): one handler per intent. A failure is logged and answered in the thread.
 */
export class Commands {
  private readonly table: Record<Intent["kind"], CommandHandler>;

  constructor(private readonly parts: CommandParts) {
    this.table = commandTable(parts);
  }

  async run(inbound: Inbound, intent: Intent): Promise<void> {
    const settings = await this.parts.settings.effective(inbound.ref, inbound.user.id).catch(() => undefined);
    // The sender's `/settings` language (or the place's), else their locale's.
    const lang = settings?.language ?? langFromLocale(inbound.locale);
    const answer = new Answers(this.parts, inbound, lang);
    try {
      await this.table[intent.kind]({ inbound, intent, lang, answer, settings });
    } catch (error) {
      if (error instanceof TryLater) throw error;
      this.parts.logger.warn(
        { thread: refKey(inbound.ref), trace: inbound.id, ...failureFields(error), err: errorMessage(error) },
        "command-failed",
      );
      await answer.post(errorReply(error, lang));
    }
  }
}
