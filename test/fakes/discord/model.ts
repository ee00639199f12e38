import type { APIAttachment, APIEmbed } from "discord-api-types/v10";

/** A user (or the bot) of the fake. */
export interface FakeUser {
  id: string;
  username: string;
  globalName?: string;
  bot?: boolean;
  /** The member's permissions in interactions (default: every permission, Manage Server included). */
  permissions?: string;
  /** The member's role ids. */
  roles?: string[];
}

/** A channel of the fake: guild text channel (0), DM (1), voice (2), public thread (11), … */
export interface FakeChannel {
  id: string;
  type: number;
  name?: string;
  guildId?: string;
  parentId?: string;
  ownerId?: string;
  recipients?: FakeUser[];
}

/** One version of a message's visible content (the create body, then every edit). */
export interface MessageVersion {
  /** The text shown: `content`, or for a Components V2 message its text displays, one per line. */
  content: string;
  embeds: APIEmbed[];
  components: unknown[];
  allowedMentions: unknown;
}

/** A message the fake holds; `versions` has the create body first, then each edit. */
export interface StoredMessage {
  id: string;
  channelId: string;
  guildId?: string | undefined;
  author: FakeUser;
  attachments: APIAttachment[];
  mentions: FakeUser[];
  /** The message this one replies to. */
  replyTo?: string | undefined;
  flags: number;
  /** Files the bot attached (multipart), with the SHA-256 of the bytes received. */
  uploads: UploadedFile[];
  versions: MessageVersion[];
  deleted: boolean;
  createdAt: number;
}

/** An interaction the fake sent, and what the bot did with it. */
export interface FakeInteraction {
  id: string;
  /** Interaction type: 2 command, 3 component, 5 modal submit. */
  type: number;
  token: string;
  sentAt: number;
  channelId: string;
  /** Callback bodies (`POST /interactions/:id/:token/callback`), with the time they arrived. */
  callbacks: { type: number; data: Record<string, unknown> | undefined; at: number }[];
  /** Edits of the original response (`PATCH /webhooks/…/@original`). */
  edits: { body: Record<string, unknown>; at: number }[];
  /** Follow-up messages (`POST /webhooks/:app/:token`). */
  followUps: Record<string, unknown>[];
  originalDeleted: boolean;
  /** The id of the original response message, once there is one. */
  originalMessageId?: string;
}

/** A REST request as the fake saw it (the token is reduced to whether it was right). */
export interface RecordedRestRequest {
  method: string;
  /** Path after `/api/v10`, e.g. `/channels/123/messages`. */
  path: string;
  query: string;
  /** `bot`: `Authorization: Bot <the right token>`; `none`: no header; `wrong`: anything else. */
  auth: "bot" | "none" | "wrong";
  body: unknown;
  status: number;
  at: number;
}

/** The latest version of a message. */
export function latest(message: StoredMessage): MessageVersion {
  return message.versions.at(-1)!;
}

/** A file the bot sent in a multipart request, as the fake received it (hashed while streaming, not kept). */
export interface UploadedFile {
  filename: string;
  size: number;
  sha256: string;
}
