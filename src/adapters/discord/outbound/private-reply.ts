import type { REST } from "@discordjs/rest";
import { MessageFlags, Routes } from "discord-api-types/v10";
import type { DiscordMessageBody } from "./render-discord.js";

/** `Inbound.privateReplyTo` of an interaction: `interaction:<application id>:<interaction token>`. */
export const PRIVATE_REPLY_PREFIX = "interaction:";

/**
 * Answers the user of an interaction privately: an ephemeral follow-up through the interaction's
 * webhook (no bot token: the interaction token authorises it; it expires after 15 minutes).
 */
export async function postInteractionFollowUp(
  rest: Pick<REST, "post">,
  address: string,
  body: DiscordMessageBody,
): Promise<void> {
  if (!address.startsWith(PRIVATE_REPLY_PREFIX)) throw new TypeError("not an interaction address");
  const [applicationId, token] = address.slice(PRIVATE_REPLY_PREFIX.length).split(":");
  if (!applicationId || !token) throw new TypeError("malformed interaction address");
  await rest.post(Routes.webhook(applicationId, token), {
    // Components V2 bodies keep their flag; the ephemeral bit is added to it.
    body: { ...body, flags: body.flags | MessageFlags.Ephemeral },
    auth: false,
  });
}
