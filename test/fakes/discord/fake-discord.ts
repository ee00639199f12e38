import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import Busboy from "busboy";
import type { APIAttachment, APIEmbed } from "discord-api-types/v10";
import { waitForChange } from "../../helpers/wait-for-change.js";
import { FakeGateway } from "./fake-gateway.js";
import { handleRest } from "./fake-rest.js";
import type {
  FakeChannel,
  FakeInteraction,
  FakeUser,
  RecordedRestRequest,
  StoredMessage,
  UploadedFile,
} from "./model.js";
import {
  ALL_TEXT_PERMISSIONS,
  channelJson,
  guildCreateJson,
  memberJson,
  messageJson,
  userJson,
} from "./payloads.js";
import { shardOf, snowflake, snowflakeOnShard } from "./snowflake.js";

export interface FakeDiscordOptions {
  token?: string;
  heartbeatIntervalMs?: number;
  /** The guild's preferred locale (messages have no user locale). Default `en-US`. */
  preferredLocale?: string;
  /** Refuse the Message Content intent with close code 4014, as Discord does when it is not enabled. */
  rejectMessageContentIntent?: boolean;
  /** `GET /applications/@me` flags (default: Message Content intent enabled, 1 << 19). */
  applicationFlags?: number;
  /**
   * The guild's upload limit in bytes, reported as `attachment_size_limit` on the guild object and on
   * interactions, and enforced on uploads (413, code 40005). Default: not reported; 10 MiB by tier 0.
   */
  attachmentSizeLimit?: number;
  /** The guild's boost tier (`premium_tier`, default 0). */
  premiumTier?: number;
  /** The shard count `GET /gateway/bot` recommends (default 1). */
  recommendedShards?: number;
  /** More guilds, each on a chosen shard (see {@link FakeDiscord.addGuild}), there from the start. */
  extraGuilds?: { name: string; shard: number; count: number }[];
}

/** A guild of the fake. */
export interface FakeGuild {
  id: string;
  name: string;
  preferredLocale: string;
  ownerId: string;
  premiumTier: number;
  attachmentSizeLimit: number | undefined;
}

/** Discord's upload limit where nothing raises it. */
const DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024;
const TIER_LIMITS: Record<number, number> = { 2: 50 * 1024 * 1024, 3: 100 * 1024 * 1024 };

/** A file a user attached; the fake serves its bytes at the attachment URL. */
export interface FakeFile {
  name: string;
  size: number;
  contentType: string;
}

interface Fault {
  method: string;
  path: RegExp;
  status: number;
  body: unknown;
  headers: Record<string, string>;
  times: number;
  /** Matching requests still let through before the fault applies. */
  after: number;
}

const INTENT = { guilds: 1 << 0, guildMessages: 1 << 9, directMessages: 1 << 12, messageContent: 1 << 15 };
const MENTION = /<@!?(\d+)>/g;

/**
 * A loopback Discord for tests: REST under `/api/v10` (the routes the bot uses, recorded with their
 * bodies) and a v10 JSON gateway (see {@link FakeGateway}), driven through the real discord.js client and
 * `@discordjs/rest`. Messages created over REST are dispatched back (MESSAGE_CREATE / UPDATE), threads
 * created over REST get THREAD_CREATE, like the real thing. Test helpers make users speak, run slash
 * commands and click buttons; `waitFor` resolves when a condition holds after any change.
 */
export class FakeDiscord extends EventEmitter {
  readonly token: string;
  readonly bot: FakeUser = { id: snowflake(), username: "NemoBot", bot: true };
  readonly applicationId = snowflake();
  readonly applicationFlags: number;
  readonly alice: FakeUser = { id: snowflake(), username: "alice", globalName: "Alice" };
  readonly bob: FakeUser = { id: snowflake(), username: "bob" };
  /** A member without Manage Server (nor Administrator): not an admin of the bot. */
  readonly carol: FakeUser = {
    id: snowflake(),
    username: "carol",
    permissions: String(BigInt(ALL_TEXT_PERMISSIONS) & ~(0x20n | 0x8n)),
  };
  readonly guild: FakeGuild;
  /** Every guild the bot is in, the first being `guild` (more with {@link addGuild}). */
  readonly guilds: FakeGuild[] = [];
  /** What `GET /gateway/bot` recommends as the shard count. */
  readonly recommendedShards: number;
  readonly channels = new Map<string, FakeChannel>();
  readonly general: FakeChannel;
  readonly media: FakeChannel;
  readonly offLimits: FakeChannel;
  readonly voice: FakeChannel;
  readonly messages = new Map<string, StoredMessage>();
  readonly interactions = new Map<string, FakeInteraction>();
  readonly requests: RecordedRestRequest[] = [];
  readonly commandRegistrations: { path: string; body: unknown }[] = [];
  readonly files = new Map<string, FakeFile>();
  readonly gateway: FakeGateway;
  /** How many times an attachment's bytes were downloaded. */
  fileDownloads = 0;
  private readonly faults: Fault[] = [];
  private readonly commandIds = new Map<string, string>();
  private port = 0;

  private constructor(
    private readonly server: Server,
    options: FakeDiscordOptions,
  ) {
    super();
    this.setMaxListeners(100);
    this.token = options.token ?? "fake-bot-token.secret";
    this.applicationFlags = options.applicationFlags ?? 1 << 19;
    this.recommendedShards = options.recommendedShards ?? 1;
    this.guild = {
      id: snowflake(),
      name: "Video Makers",
      preferredLocale: options.preferredLocale ?? "en-US",
      ownerId: this.alice.id,
      premiumTier: options.premiumTier ?? 0,
      attachmentSizeLimit: options.attachmentSizeLimit,
    };
    this.guilds.push(this.guild);
    const text = (name: string, type = 0): FakeChannel => {
      const channel = { id: snowflake(), type, name, guildId: this.guild.id };
      this.channels.set(channel.id, channel);
      return channel;
    };
    this.general = text("general");
    this.media = text("media");
    this.offLimits = text("off-limits");
    this.voice = text("lounge", 2);
    this.gateway = new FakeGateway({
      token: this.token,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 5_000,
      rejectMessageContentIntent: options.rejectMessageContentIntent ?? false,
      ready: (sessionId, shard) => ({
        v: 10,
        user: { ...userJson(this.bot), verified: true, mfa_enabled: false, flags: 0 },
        guilds: this.guildsOn(shard).map((guild) => ({ id: guild.id, unavailable: true })),
        session_id: sessionId,
        session_type: "normal",
        resume_gateway_url: this.gatewayUrl,
        shard,
        application: { id: this.applicationId, flags: this.applicationFlags },
        private_channels: [],
        relationships: [],
        presences: [],
        guild_join_requests: [],
        geo_ordered_rtc_regions: [],
        user_settings: {},
      }),
      afterReady: (shard) =>
        this.guildsOn(shard).map((guild) => ({
          t: "GUILD_CREATE",
          d: guildCreateJson(
            guild,
            [...this.channels.values()].filter((c) => c.guildId === guild.id && !c.parentId),
            [...this.channels.values()].filter((c) => c.guildId === guild.id && c.parentId),
            this.bot,
          ),
        })),
      filter: (t, d, intents) => this.filterFor(t, d, intents),
    });
    for (const extra of options.extraGuilds ?? []) this.addGuild(extra.name, extra.shard, extra.count);
    this.gateway.on("resumed", () => this.changed());
    this.gateway.on("identify", () => this.changed());
  }

  /** Guilds whose events go to `shard` (`[id, count]`): `(guild_id >> 22) % count === id`. */
  guildsOn([id, count]: [number, number]): FakeGuild[] {
    return this.guilds.filter((guild) => shardOf(guild.id, count) === id);
  }

  /**
   * Adds a guild (with a `#general` text channel) whose id Discord routes to `shard` of `count` — the
   * bot is in it from the next IDENTIFY on.
   */
  addGuild(name: string, shard = 0, count = 1): { guild: FakeGuild; general: FakeChannel } {
    const guild: FakeGuild = {
      id: snowflakeOnShard(shard, count),
      name,
      preferredLocale: "en-US",
      ownerId: this.alice.id,
      premiumTier: 0,
      attachmentSizeLimit: undefined,
    };
    this.guilds.push(guild);
    const general: FakeChannel = { id: snowflake(), type: 0, name: "general", guildId: guild.id };
    this.channels.set(general.id, general);
    return { guild, general };
  }

  /** Starts listening on an ephemeral loopback port. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const server = createServer();
    const fake = new FakeDiscord(server, options);
    server.on("request", (req, res) => void fake.onRequest(req, res));
    server.on("upgrade", (req, socket, head) => fake.gateway.upgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    fake.port = typeof address === "object" && address ? address.port : 0;
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The REST base for discord.js (`rest.api`) and `@discordjs/rest` (`api`). */
  get apiUrl(): string {
    return `${this.baseUrl}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  // ---- what users do --------------------------------------------------------------------------

  /** A user posts a message (a mention is written `<@id>`); dispatched as MESSAGE_CREATE. */
  say(
    channelId: string,
    content: string,
    options: { author?: FakeUser; files?: FakeFile[] } = {},
  ): StoredMessage {
    const attachments = (options.files ?? []).map((file) => this.attachment(file));
    return this.createMessage(channelId, options.author ?? this.alice, {
      content,
      embeds: [],
      components: [],
      allowedMentions: undefined,
      attachments,
    });
  }

  /** A user mentions the bot: `<@bot> text`. */
  mention(
    channelId: string,
    text: string,
    options: { author?: FakeUser; files?: FakeFile[] } = {},
  ): StoredMessage {
    return this.say(channelId, `<@${this.bot.id}> ${text}`, options);
  }

  /** The DM channel between a user and the bot. */
  dmWith(user: FakeUser): FakeChannel {
    const existing = [...this.channels.values()].find(
      (c) => c.type === 1 && c.recipients?.[0]?.id === user.id,
    );
    if (existing) return existing;
    const channel: FakeChannel = { id: snowflake(), type: 1, recipients: [user] };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** A user runs a slash command; `file` becomes the `file` attachment option. */
  slash(
    name: string,
    options: {
      channelId: string;
      user?: FakeUser;
      locale?: string;
      strings?: Record<string, string>;
      file?: FakeFile;
    },
  ): FakeInteraction {
    const commandOptions: Record<string, unknown>[] = Object.entries(options.strings ?? {}).map(
      ([option, value]) => ({ name: option, type: 3, value }),
    );
    let resolved: Record<string, unknown> | undefined;
    if (options.file) {
      const attachment = this.attachment(options.file);
      commandOptions.push({ name: "file", type: 11, value: attachment.id });
      resolved = { attachments: { [attachment.id]: attachment } };
    }
    const data = {
      id: this.commandIds.get(name) ?? snowflake(),
      name,
      type: 1,
      ...(commandOptions.length ? { options: commandOptions } : {}),
      ...(resolved ? { resolved } : {}),
    };
    return this.interact(2, data, options.channelId, options.user ?? this.alice, options.locale);
  }

  /** A user picks `values` in a select menu on a message. */
  choose(
    message: StoredMessage,
    customId: string,
    values: string[],
    options: { user?: FakeUser; locale?: string } = {},
  ): FakeInteraction {
    return this.interact(
      3,
      { custom_id: customId, component_type: 3, values },
      message.channelId,
      options.user ?? this.alice,
      options.locale,
      { message: messageJson(message) },
    );
  }

  /**
   * A user submits a modal the bot opened (`fields`: text input custom id → value), from the message
   * whose button opened it.
   */
  submitModal(
    message: StoredMessage,
    customId: string,
    fields: Record<string, string>,
    options: { user?: FakeUser; locale?: string } = {},
  ): FakeInteraction {
    const components = Object.entries(fields).map(([id, value]) => ({
      type: 1,
      components: [{ type: 4, custom_id: id, value }],
    }));
    return this.interact(
      5,
      { custom_id: customId, components },
      message.channelId,
      options.user ?? this.alice,
      options.locale,
      { message: messageJson(message) },
    );
  }

  /**
   * A user submits a modal the bot opened from a slash command (no message behind it): MODAL_SUBMIT with
   * each text input's value, in the action-row form Discord sends.
   */
  submitCommandModal(
    customId: string,
    values: Record<string, string>,
    options: { channelId: string; user?: FakeUser; locale?: string },
  ): FakeInteraction {
    const components = Object.entries(values).map(([id, value]) => ({
      type: 1,
      components: [{ type: 4, custom_id: id, value }],
    }));
    return this.interact(
      5,
      { custom_id: customId, components },
      options.channelId,
      options.user ?? this.alice,
      options.locale,
    );
  }

  /** A private channel (DM or group DM) between users, without the bot in it (`context: 2`). */
  privateChannel(...users: FakeUser[]): FakeChannel {
    const channel: FakeChannel = { id: snowflake(), type: 3, name: "friends", recipients: users };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /**
   * A user who installed the app for themself runs a slash command where the bot is not a member: a
   * private channel (`context: 2`), with only the user as the authorizing integration owner.
   */
  userInstallSlash(
    name: string,
    options: { channelId: string; user?: FakeUser; locale?: string; strings?: Record<string, string> },
  ): FakeInteraction {
    const user = options.user ?? this.alice;
    const commandOptions = Object.entries(options.strings ?? {}).map(([option, value]) => ({
      name: option,
      type: 3,
      value,
    }));
    return this.interact(
      2,
      {
        id: this.commandIds.get(name) ?? snowflake(),
        name,
        type: 1,
        ...(commandOptions.length ? { options: commandOptions } : {}),
      },
      options.channelId,
      user,
      options.locale,
      { authorizing_integration_owners: { "1": user.id }, context: 2 },
    );
  }

  /**
   * A user who installed the app for themself runs a slash command in a channel of their own server,
   * which did not install the bot (the bot never got its GUILD_CREATE): `context: 0`, only the user as
   * authorizing integration owner, and the member's permissions there (Manage Server by default).
   */
  foreignGuildSlash(name: string, options: { user?: FakeUser; locale?: string } = {}): FakeInteraction {
    const user = options.user ?? this.alice;
    const guildId = snowflake();
    const channel: FakeChannel = { id: snowflake(), type: 0, name: "their-own", guildId };
    this.channels.set(channel.id, channel);
    return this.interact(
      2,
      { id: this.commandIds.get(name) ?? snowflake(), name, type: 1 },
      channel.id,
      user,
      options.locale,
      {
        guild_id: guildId,
        guild: { id: guildId, locale: "en-US", features: [] },
        authorizing_integration_owners: { "1": user.id },
        context: 0,
      },
    );
  }

  /** The upload limit of a channel's place (what the fake enforces and reports). */
  uploadLimit(channelId: string): number {
    const channel = this.channels.get(channelId);
    if (!channel?.guildId) return DEFAULT_UPLOAD_LIMIT;
    return this.guild.attachmentSizeLimit ?? TIER_LIMITS[this.guild.premiumTier] ?? DEFAULT_UPLOAD_LIMIT;
  }

  /** A user clicks a button on a message. */
  click(
    message: StoredMessage,
    customId: string,
    options: { user?: FakeUser; locale?: string } = {},
  ): FakeInteraction {
    return this.interact(
      3,
      { custom_id: customId, component_type: 2 },
      message.channelId,
      options.user ?? this.alice,
      options.locale,
      { message: messageJson(message) },
    );
  }

  // ---- what tests look at ---------------------------------------------------------------------

  /** Messages of a channel (not deleted), oldest first. */
  messagesIn(channelId: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.channelId === channelId && !m.deleted);
  }

  /** The bot's messages in a channel, oldest first. */
  botMessagesIn(channelId: string): StoredMessage[] {
    return this.messagesIn(channelId).filter((m) => m.author.id === this.bot.id);
  }

  /** Threads whose parent is `parentId`. */
  threadsIn(parentId: string): FakeChannel[] {
    return [...this.channels.values()].filter((c) => c.parentId === parentId);
  }

  /** The REST requests that created or edited channel messages (by the bot token). */
  messageWrites(): RecordedRestRequest[] {
    return this.requests.filter(
      (r) =>
        /^\/channels\/\d+\/messages(\/\d+)?$/.test(r.path) && (r.method === "POST" || r.method === "PATCH"),
    );
  }

  /** Resolves once `predicate` holds (checked after every change), or rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
    return waitForChange(this, "change", predicate, timeoutMs, () => what);
  }

  /**
   * The next `times` requests matching method and path answer `status` (e.g. 429 with Retry-After);
   * with `after`, only once that many matching requests have been let through.
   */
  failNext(
    method: string,
    path: RegExp,
    status: number,
    options: { body?: unknown; headers?: Record<string, string>; times?: number; after?: number } = {},
  ): void {
    this.faults.push({
      method,
      path,
      status,
      body: options.body ?? { code: 0, message: `${status}` },
      headers: options.headers ?? {},
      times: options.times ?? 1,
      after: options.after ?? 0,
    });
  }

  /** The next request matching method and path answers 429 as Discord does: wait `retryAfterS` seconds. */
  rateLimitNext(method: string, path: RegExp, retryAfterS: number): void {
    this.failNext(method, path, 429, {
      body: { message: "You are being rate limited.", retry_after: retryAfterS, global: false },
      headers: {
        "retry-after": String(retryAfterS),
        "x-ratelimit-limit": "5",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset-after": String(retryAfterS),
        "x-ratelimit-bucket": `fake-bucket-${method.toLowerCase()}`,
        "x-ratelimit-scope": "user",
      },
    });
  }

  /** Drops every gateway connection (no close frame), forcing the clients to RESUME. */
  dropConnections(): void {
    this.gateway.dropConnections();
  }

  /** On the next RESUME, replay everything from this message's MESSAGE_CREATE, seen or not. */
  replayOnResumeFrom(messageId: string): void {
    this.gateway.replayAlsoFrom = (t, d) => t === "MESSAGE_CREATE" && (d as { id?: string }).id === messageId;
  }

  async close(): Promise<void> {
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- used by the REST routes ----------------------------------------------------------------

  /** @internal A change tests may wait for. */
  changed(): void {
    this.emit("change");
  }

  /** @internal */
  takeFault(method: string, path: string): Fault | undefined {
    const matching = this.faults.filter((f) => f.times > 0 && f.method === method && f.path.test(path));
    const fault = matching.find((f) => f.after === 0);
    for (const waiting of matching) if (waiting.after > 0) waiting.after--;
    if (fault) fault.times--;
    return fault;
  }

  /** @internal Stores a message and dispatches MESSAGE_CREATE. */
  createMessage(
    channelId: string,
    author: FakeUser,
    fields: {
      content: string;
      embeds: APIEmbed[];
      components: unknown[];
      allowedMentions: unknown;
      attachments?: APIAttachment[];
      replyTo?: string | undefined;
      flags?: number;
      uploads?: UploadedFile[];
    },
  ): StoredMessage {
    const channel = this.channels.get(channelId);
    const mentionIds = new Set([...fields.content.matchAll(MENTION)].map((match) => match[1]));
    const message: StoredMessage = {
      id: snowflake(),
      channelId,
      guildId: channel?.guildId,
      author,
      attachments: fields.attachments ?? [],
      mentions: [this.bot, this.alice, this.bob].filter((user) => mentionIds.has(user.id)),
      replyTo: fields.replyTo,
      flags: fields.flags ?? 0,
      uploads: fields.uploads ?? [],
      versions: [
        {
          content: fields.content,
          embeds: fields.embeds,
          components: fields.components,
          allowedMentions: fields.allowedMentions,
        },
      ],
      deleted: false,
      createdAt: Date.now(),
    };
    this.messages.set(message.id, message);
    if (!(fields.flags && fields.flags & 64)) {
      this.gateway.dispatch("MESSAGE_CREATE", {
        ...messageJson(message),
        ...(channel ? { channel_type: channel.type } : {}),
      });
    }
    this.changed();
    return message;
  }

  /**
   * Creates a thread owned by the bot (on a message: the thread's id is the message's). With
   * `announce: false` no THREAD_CREATE is sent, as for a thread the bot's cache does not hold (one
   * archived before a restart).
   */
  createThread(parentId: string, name: string, messageId?: string, announce = true): FakeChannel {
    const parent = this.channels.get(parentId)!;
    const thread: FakeChannel = {
      id: messageId ?? snowflake(),
      type: parent.type === 5 ? 10 : 11,
      name,
      guildId: parent.guildId!,
      parentId,
      ownerId: this.bot.id,
    };
    this.channels.set(thread.id, thread);
    if (announce) this.gateway.dispatch("THREAD_CREATE", { ...channelJson(thread), newly_created: true });
    this.changed();
    return thread;
  }

  /** @internal Registered command ids, so interactions carry them. */
  rememberCommands(commands: { name: string; id: string }[]): void {
    for (const command of commands) this.commandIds.set(command.name, command.id);
  }

  private attachment(file: FakeFile): APIAttachment {
    const id = snowflake();
    this.files.set(id, file);
    const url = `${this.baseUrl}/attachments/${id}/${encodeURIComponent(file.name)}`;
    return { id, filename: file.name, size: file.size, url, proxy_url: url, content_type: file.contentType };
  }

  private interact(
    type: number,
    data: Record<string, unknown>,
    channelId: string,
    user: FakeUser,
    locale: string | undefined,
    extra: Record<string, unknown> = {},
  ): FakeInteraction {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`no channel ${channelId}`);
    const interaction: FakeInteraction = {
      id: snowflake(),
      type,
      token: `interaction-token-${snowflake()}`,
      sentAt: Date.now(),
      channelId,
      callbacks: [],
      edits: [],
      followUps: [],
      originalDeleted: false,
    };
    this.interactions.set(interaction.id, interaction);
    const inGuild = Boolean(channel.guildId);
    this.gateway.dispatch("INTERACTION_CREATE", {
      id: interaction.id,
      application_id: this.applicationId,
      type,
      data,
      token: interaction.token,
      version: 1,
      locale: locale ?? "en-US",
      app_permissions: ALL_TEXT_PERMISSIONS,
      entitlements: [],
      attachment_size_limit: this.uploadLimit(channelId),
      channel_id: channelId,
      channel: channelJson(channel),
      ...(inGuild
        ? {
            guild_id: this.guild.id,
            guild: { id: this.guild.id, locale: this.guild.preferredLocale, features: [] },
            guild_locale: this.guild.preferredLocale,
            member: {
              ...memberJson(user, true),
              roles: user.roles ?? [],
              permissions: user.permissions ?? ALL_TEXT_PERMISSIONS,
            },
            authorizing_integration_owners: { "0": this.guild.id },
            context: 0,
          }
        : { user: userJson(user), authorizing_integration_owners: { "0": this.guild.id }, context: 1 }),
      ...extra,
    });
    this.changed();
    return interaction;
  }

  /** What a session with `intents` receives for an event, as Discord filters it. */
  private filterFor(t: string, d: unknown, intents: number): unknown {
    if (t === "MESSAGE_CREATE" || t === "MESSAGE_UPDATE") {
      const message = d as { guild_id?: string; author: { id: string }; mentions: { id: string }[] };
      const dm = !message.guild_id;
      if (!(intents & (dm ? INTENT.directMessages : INTENT.guildMessages))) return undefined;
      const visible =
        intents & INTENT.messageContent ||
        dm ||
        message.author.id === this.bot.id ||
        message.mentions.some((user) => user.id === this.bot.id);
      return visible ? d : { ...message, content: "", attachments: [], embeds: [], components: [] };
    }
    if (/^(GUILD|THREAD|CHANNEL)_/.test(t)) return intents & INTENT.guilds ? d : undefined;
    return d;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.baseUrl);
    if (/^multipart\/form-data/i.test(req.headers["content-type"] ?? "")) {
      const channelId = /\/channels\/(\d+)\/messages/.exec(url.pathname)?.[1] ?? "";
      const form = await this.readMultipart(req, this.uploadLimit(channelId));
      if (form.tooLarge) {
        this.requests.push({
          method: req.method ?? "POST",
          path: url.pathname.replace(/^\/api(?:\/v\d+)?/, ""),
          query: "",
          auth: "bot",
          body: form.payload,
          status: 413,
          at: Date.now(),
        });
        res.writeHead(413, { "content-type": "application/json" });
        res.end(JSON.stringify({ code: 40005, message: "Request entity too large" }));
        this.changed();
        return;
      }
      await handleRest(this, req, res, url, form.payload, form.uploads);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    if (url.pathname.startsWith("/attachments/")) return this.serveFile(url.pathname, res);
    await handleRest(this, req, res, url, raw);
  }

  /**
   * Reads a multipart message request as Discord does: `payload_json`, and `files[n]` streamed through
   * a hash (never held whole); more bytes than the place's limit make it too large.
   */
  private readMultipart(
    req: IncomingMessage,
    limit: number,
  ): Promise<{ payload: string; uploads: UploadedFile[]; tooLarge: boolean }> {
    return new Promise((resolve, reject) => {
      let payload = "";
      let tooLarge = false;
      const uploads: UploadedFile[] = [];
      const parser = Busboy({ headers: req.headers, limits: { fileSize: limit } });
      parser.on("field", (name, value) => {
        if (name === "payload_json") payload = value;
      });
      parser.on("file", (_name, stream, info) => {
        const hash = createHash("sha256");
        let size = 0;
        stream.on("data", (chunk: Buffer) => {
          size += chunk.length;
          hash.update(chunk);
        });
        stream.on("limit", () => {
          tooLarge = true;
        });
        stream.on("end", () =>
          uploads.push({ filename: info.filename ?? "", size, sha256: hash.digest("hex") }),
        );
      });
      parser.on("close", () => resolve({ payload, uploads, tooLarge }));
      parser.on("error", reject);
      req.pipe(parser);
    });
  }

  private serveFile(path: string, res: ServerResponse): void {
    const file = this.files.get(path.split("/")[2] ?? "");
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    this.fileDownloads++;
    res.writeHead(200, { "content-type": file.contentType, "content-length": String(file.size) });
    res.end(Buffer.alloc(file.size, 7));
  }
}
