import type { ConversationRef } from "../../../core/conversation/conversation-ref.js";
import type { Messenger, PartMessenger } from "../../../core/conversation/messenger.js";
import type { Reply } from "../../../core/conversation/reply.js";
import type { Logger } from "../../../core/logger.js";
import type { MediaUrlPolicy } from "../../../core/media-url.js";
import { LruMap, WORKSPACE_BOUNDS } from "../common/lru-map.js";
import { slackThreadLink } from "../common/thread-link.js";
import { renderSlackReply } from "../render/render-blocks.js";
import { createSlackMessenger } from "./slack-messenger.js";

/** Where the messenger finds the bot token of a workspace (the installation store, rotating). */
export interface WorkspaceTokens {
  /** The workspace's valid bot token, or undefined when the app is not installed there (any more). */
  botToken(workspace: string): Promise<string | undefined>;
}

/** Settings of {@link createWorkspaceSlackMessenger}. */
export interface WorkspaceSlackMessengerConfig {
  tokens: WorkspaceTokens;
  apiUrl?: string | undefined;
  maxRateLimitWaitMs?: number | undefined;
  /** `SLACK_MAX_UPLOAD_MB` in bytes: the largest finished video uploaded into a thread. */
  maxUploadBytes?: number | undefined;
  /** Workspaces whose messenger (client, user cache) is kept; default {@link WORKSPACE_BOUNDS}. */
  maxWorkspaces?: number | undefined;
  /** Where finished videos may be downloaded from (`NEMO_MEDIA_HOSTS` and the backend's sites); unset: https or loopback, any host. */
  media?: MediaUrlPolicy | undefined;
  logger: Logger;
}

/** The id a post gets when nothing was posted because the workspace uninstalled the app. */
const NOT_POSTED = "uninstalled:";

type Kept = LruMap<string, { token: string; messenger: Messenger }>;

/** The messenger of a conversation's workspace (made with its current token), or undefined when not installed. */
function workspaceLookup(config: WorkspaceSlackMessengerConfig, byWorkspace: Kept) {
  return async (ref: ConversationRef, what: string): Promise<Messenger | undefined> => {
    const token = await config.tokens.botToken(ref.workspace);
    if (!token) {
      config.logger.info(
        { workspace: ref.workspace, channel: ref.channel, what },
        "slack-workspace-not-installed",
      );
      return undefined;
    }
    const kept = byWorkspace.get(ref.workspace);
    if (kept?.token === token) return kept.messenger;
    const messenger = createSlackMessenger({
      botToken: token,
      apiUrl: config.apiUrl,
      maxRateLimitWaitMs: config.maxRateLimitWaitMs,
      maxUploadBytes: config.maxUploadBytes,
      maxUsers: WORKSPACE_BOUNDS.usersEach,
      media: config.media,
      logger: config.logger.child({ workspace: ref.workspace }),
    });
    byWorkspace.set(ref.workspace, { token, messenger });
    return messenger;
  };
}

/**
 * The Slack `Messenger` of a distributed app (installed in many workspaces): every call delivers with
 * the bot token of the conversation's workspace (`ref.workspace`), read from the installation store —
 * REST only, so any worker delivers. The work itself is the single-workspace messenger's, one instance
 * per workspace and token (a rotated token replaces it), for the most recently active workspaces only.
 *
 * A workspace that uninstalled the app (or revoked its tokens) has no installation: its queued jobs
 * finish without posting — `post` returns a placeholder id, `edit` does nothing — with one log line
 * each (`slack-workspace-not-installed`), instead of failing and being retried for nothing.
 */
export function createWorkspaceSlackMessenger(config: WorkspaceSlackMessengerConfig): Messenger {
  const byWorkspace: Kept = new LruMap(config.maxWorkspaces ?? WORKSPACE_BOUNDS.workspaces);
  const forRef = workspaceLookup(config, byWorkspace);
  const parts: PartMessenger = {
    render: (reply) => renderSlackReply(reply),
    async post(ref, part) {
      const messenger = await forRef(ref, "post");
      return messenger ? messenger.parts!.post(ref, part) : `${NOT_POSTED}${Date.now()}`;
    },
    async edit(ref, messageId, part) {
      const messenger = await forRef(ref, "edit");
      if (messenger) await messenger.parts!.edit(ref, messageId, part);
    },
  };
  return {
    parts,
    async post(ref: ConversationRef, reply: Reply) {
      const messenger = await forRef(ref, "post");
      return messenger ? messenger.post(ref, reply) : `${NOT_POSTED}${Date.now()}`;
    },
    async edit(ref: ConversationRef, messageId: string, reply: Reply) {
      await (await forRef(ref, "edit"))?.edit(ref, messageId, reply);
    },
    async startThread(ref, opener) {
      const messenger = await forRef(ref, "startThread");
      return messenger?.startThread ? messenger.startThread(ref, opener) : { ...ref, thread: ref.channel };
    },
    // Continue anywhere: the link of a thread, for the notes of a moved project.
    threadLink: slackThreadLink,
    async postPrivately(address, reply) {
      // A command's response_url needs no token: any instance delivers it.
      const any =
        byWorkspace.any()?.messenger ?? createSlackMessenger({ botToken: "-", logger: config.logger });
      await any.postPrivately!(address, reply);
    },
    async lookupUser(ref, userId) {
      const messenger = await forRef(ref, "lookupUser");
      return messenger?.lookupUser ? messenger.lookupUser(ref, userId) : {};
    },
    async fileAuthorization(workspace) {
      const token = await config.tokens.botToken(workspace);
      return token ? `Bearer ${token}` : undefined;
    },
    async postEphemeral(ref, userId, reply) {
      await (await forRef(ref, "postEphemeral"))?.postEphemeral?.(ref, userId, reply);
    },
    async postDirect(ref, userId, reply) {
      await (await forRef(ref, "postDirect"))?.postDirect?.(ref, userId, reply);
    },
    async openDirect(ref, userId, opener) {
      const opened = (await forRef(ref, "openDirect"))?.openDirect?.(ref, userId, opener);
      return opened ?? Promise.reject(new Error("no Slack installation for this workspace"));
    },
    // No `liveTurn` here: it must answer at once, and the workspace's messenger is looked up
    // asynchronously — turns of distributed workspaces use the edited progress message instead.
  };
}
