import type { CallContext, NemoClient } from "./client.js";
import { claimLink } from "./task-link.js";

/** What a claim token is issued for: a backend session (and its task). */
export interface ClaimableProject {
  taskId: string;
  sessionId: string;
}

/**
 * "Open in NemoVideo" links: `<NEMO_WEB_URL>/workspace/claim?ct=<claim token>`. Whoever opens one can
 * take the project, so the bot keeps none: each link is a fresh claim token (`POST
 * /api/auth/claim-token`), asked for when it is handed out. The call uses the thread's account
 * (`ctx.token`): a project opens only for the account that owns it.
 */
export class ClaimLinks {
  constructor(private readonly client: Pick<NemoClient, "claimToken" | "webUrl">) {}

  async link(ctx: CallContext, project: ClaimableProject): Promise<string> {
    const fresh = await this.client.claimToken(ctx, project.taskId, project.sessionId);
    return claimLink(this.client.webUrl, fresh.claimToken);
  }
}
