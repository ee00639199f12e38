import diagnostics from "node:diagnostics_channel";
import { causeCode } from "../error-code.js";

/**
 * The diagnostics channel of backend errors turned into a user's reply (`{ code }`, a `NEMO_*` code):
 * errors the use cases handle themselves never fail a job, so the metrics count them from here.
 */
export const REPLIED_BACKEND_ERROR_CHANNEL = "nemo-video-bot:backend-error-replied";

const channel = diagnostics.channel(REPLIED_BACKEND_ERROR_CHANNEL);

/** Publishes the backend code along the error's cause chain, if it has one and anyone listens. */
export function publishRepliedError(error: unknown): void {
  if (!channel.hasSubscribers) return;
  const code = causeCode(error, (candidate) => candidate.startsWith("NEMO_"), 6);
  if (code) channel.publish({ code });
}
