import type { IntakePort } from "../../../core/conversation/inbound.js";
import type { Logger } from "../../../core/logger.js";
import type { PlaceAllowlists } from "./place-policy.js";

/** What the inbound handlers (messages, interactions) share. */
export interface InboundContext {
  /** Receives every event the bot accepts (the intake: dedupe, acknowledgement, routing). */
  handler: IntakePort;
  logger: Logger;
  lists: PlaceAllowlists;
  /** Whether the Message Content intent is requested (follow-ups in threads without a mention). */
  messageContent: boolean;
  /** Role ids whose members are bot admins (`DISCORD_ADMIN_ROLES`), besides Manage Server. */
  adminRoles: readonly string[];
}
