import type { IncomingMessage, ServerResponse } from "node:http";
import type { APIEmbed } from "discord-api-types/v10";
import { componentProblems, IS_COMPONENTS_V2, shownText } from "./components-v2.js";
import type { FakeDiscord } from "./fake-discord.js";
import type { FakeInteraction, RecordedRestRequest, StoredMessage, UploadedFile } from "./model.js";
import { channelJson, messageJson, userJson } from "./payloads.js";
import { snowflake } from "./snowflake.js";

interface Result {
  status: number;
  body?: unknown;
}

interface Route {
  method: string;
  pattern: RegExp;
  /** Needs `Authorization: Bot <token>` (interaction callbacks and webhooks use the interaction token). */
  auth: boolean;
  handle(
    fake: FakeDiscord,
    params: string[],
    body: Record<string, unknown>,
    url: URL,
    uploads: UploadedFile[],
  ): Result;
}

const error = (status: number, code: number, message: string): Result => ({
  status,
  body: { code, message },
});
const UNKNOWN_CHANNEL = error(404, 10003, "Unknown Channel");
const UNKNOWN_MESSAGE = error(404, 10008, "Unknown Message");
const UNKNOWN_INTERACTION = error(404, 10062, "Unknown interaction");
const UNKNOWN_WEBHOOK = error(404, 10015, "Unknown Webhook");
const CONTENT_MAX = 2000;

function tooLong(body: Record<string, unknown>): boolean {
  return typeof body.content === "string" && body.content.length > CONTENT_MAX;
}

function isEmpty(body: Record<string, unknown>, uploads: UploadedFile[]): boolean {
  const filled = (value: unknown) => Array.isArray(value) && value.length > 0;
  return !body.content && !filled(body.embeds) && !filled(body.components) && uploads.length === 0;
}

/** 400 as Discord answers an invalid form body, or undefined when the components are fine. */
function invalidComponents(
  body: Record<string, unknown>,
  v2: boolean,
  uploads: UploadedFile[],
): Result | undefined {
  const named = (body.attachments as { filename?: string }[] | undefined) ?? [];
  const attachmentNames = [...uploads.map((file) => file.filename), ...named.map((a) => a.filename ?? "")];
  const problems = componentProblems(body, { v2, attachmentNames });
  if (problems.length === 0) return undefined;
  return {
    status: 400,
    body: {
      code: 50035,
      message: "Invalid Form Body",
      errors: Object.fromEntries(
        problems.map((problem, i) => [
          `problem${i}`,
          { _errors: [{ code: "BASE_TYPE_INVALID", message: problem }] },
        ]),
      ),
    },
  };
}

function flagsOf(body: Record<string, unknown>): number {
  return typeof body.flags === "number" ? body.flags : 0;
}

/** What is wrong with a modal (type 9 callback data), per Discord's limits; undefined when fine. */
function modalProblem(data: Record<string, unknown> | undefined): string | undefined {
  if (!data) return "data: required";
  const title = data.title;
  if (typeof title !== "string" || title.length < 1 || title.length > 45) return "title: 1 to 45 characters";
  if (typeof data.custom_id !== "string" || data.custom_id.length < 1 || data.custom_id.length > 100)
    return "custom_id: 1 to 100 characters";
  const rows = data.components as { type: number; components?: Record<string, unknown>[] }[] | undefined;
  if (!Array.isArray(rows) || rows.length < 1 || rows.length > 5) return "components: 1 to 5";
  for (const row of rows) {
    const inputs = row.components ?? [];
    if (row.type !== 1 || inputs.length !== 1) return "components: one text input per action row";
    const input = inputs[0]!;
    if (input.type !== 4) return "components: only text inputs";
    if (typeof input.label !== "string" || input.label.length < 1 || input.label.length > 45)
      return "label: 1 to 45 characters";
    if (typeof input.placeholder === "string" && input.placeholder.length > 100)
      return "placeholder: at most 100";
    if (typeof input.max_length === "number" && input.max_length > 4000) return "max_length: at most 4000";
  }
  return undefined;
}

function interactionByToken(fake: FakeDiscord, token: string): FakeInteraction | undefined {
  return [...fake.interactions.values()].find((interaction) => interaction.token === token);
}

/** The original response of an interaction, as the message JSON discord.js expects back. */
function originalJson(fake: FakeDiscord, interaction: FakeInteraction, content: string): unknown {
  interaction.originalMessageId ??= snowflake();
  const channel = fake.channels.get(interaction.channelId);
  const message: StoredMessage = {
    id: interaction.originalMessageId,
    channelId: interaction.channelId,
    guildId: channel?.guildId,
    author: fake.bot,
    attachments: [],
    uploads: [],
    mentions: [],
    flags: 64,
    versions: [{ content, embeds: [], components: [], allowedMentions: undefined }],
    deleted: false,
    createdAt: interaction.sentAt,
  };
  return messageJson(message);
}

const ROUTES: Route[] = [
  {
    method: "GET",
    pattern: /^\/gateway\/bot$/,
    auth: true,
    handle: (fake) => ({
      status: 200,
      body: {
        url: fake.gatewayUrl,
        shards: fake.recommendedShards,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      },
    }),
  },
  {
    method: "GET",
    pattern: /^\/users\/@me$/,
    auth: true,
    handle: (fake) => ({ status: 200, body: { ...userJson(fake.bot), verified: true, flags: 0 } }),
  },
  {
    method: "GET",
    pattern: /^\/applications\/@me$/,
    auth: true,
    handle: (fake) => ({
      status: 200,
      body: {
        id: fake.applicationId,
        name: "Nemo Video",
        icon: null,
        description: "",
        summary: "",
        bot_public: true,
        bot_require_code_grant: false,
        verify_key: "0",
        team: null,
        flags: fake.applicationFlags,
        bot: userJson(fake.bot),
      },
    }),
  },
  {
    method: "GET",
    pattern: /^\/channels\/(\d+)$/,
    auth: true,
    handle: (fake, [id]) => {
      const channel = fake.channels.get(id!);
      return channel ? { status: 200, body: channelJson(channel) } : UNKNOWN_CHANNEL;
    },
  },
  {
    method: "GET",
    pattern: /^\/guilds\/(\d+)$/,
    auth: true,
    handle: (fake, [id]) => {
      if (id !== fake.guild.id) return error(404, 10004, "Unknown Guild");
      return {
        status: 200,
        body: {
          id: fake.guild.id,
          name: fake.guild.name,
          owner_id: fake.guild.ownerId,
          preferred_locale: fake.guild.preferredLocale,
          premium_tier: fake.guild.premiumTier,
          features: [],
          ...(fake.guild.attachmentSizeLimit !== undefined
            ? { attachment_size_limit: fake.guild.attachmentSizeLimit }
            : {}),
        },
      };
    },
  },
  {
    method: "POST",
    pattern: /^\/users\/@me\/channels$/,
    auth: true,
    handle: (fake, _params, body) => {
      // Alice, Bob, and anyone a test opened a DM with (`dmWith`).
      const opened = [...fake.channels.values()].flatMap((c) => (c.type === 1 ? (c.recipients ?? []) : []));
      const user = [fake.alice, fake.bob, ...opened].find((candidate) => candidate.id === body.recipient_id);
      if (!user) return error(400, 50007, "Cannot send messages to this user");
      return { status: 200, body: channelJson(fake.dmWith(user)) };
    },
  },
  {
    method: "POST",
    pattern: /^\/channels\/(\d+)\/messages$/,
    auth: true,
    handle: (fake, [channelId], body, _url, uploads) => {
      if (!fake.channels.has(channelId!)) return UNKNOWN_CHANNEL;
      if (tooLong(body))
        return error(400, 50035, "Invalid Form Body: content must be 2000 or fewer in length.");
      if (isEmpty(body, uploads)) return error(400, 50006, "Cannot send an empty message");
      const v2 = (flagsOf(body) & IS_COMPONENTS_V2) !== 0;
      const invalid = invalidComponents(body, v2, uploads);
      if (invalid) return invalid;
      const reference = body.message_reference as { message_id?: string } | undefined;
      const components = (body.components as unknown[] | undefined) ?? [];
      const message = fake.createMessage(channelId!, fake.bot, {
        content: shownText((body.content as string | undefined) ?? "", v2 ? components : []),
        embeds: (body.embeds as APIEmbed[] | undefined) ?? [],
        components,
        allowedMentions: body.allowed_mentions,
        replyTo: reference?.message_id,
        flags: flagsOf(body) & IS_COMPONENTS_V2,
        uploads,
      });
      return { status: 200, body: messageJson(message) };
    },
  },
  {
    method: "PATCH",
    pattern: /^\/channels\/(\d+)\/messages\/(\d+)$/,
    auth: true,
    handle: (fake, [channelId, messageId], body, _url, uploads) => {
      const message = fake.messages.get(messageId!);
      if (!message || message.deleted || message.channelId !== channelId) return UNKNOWN_MESSAGE;
      if (message.author.id !== fake.bot.id)
        return error(403, 50005, "Cannot edit a message authored by another user");
      if (tooLong(body))
        return error(400, 50035, "Invalid Form Body: content must be 2000 or fewer in length.");
      const wasV2 = (message.flags & IS_COMPONENTS_V2) !== 0;
      if (wasV2 && body.flags !== undefined && !(flagsOf(body) & IS_COMPONENTS_V2))
        return error(400, 50035, "Invalid Form Body: flags: IS_COMPONENTS_V2 cannot be removed");
      const v2 = wasV2 || (flagsOf(body) & IS_COMPONENTS_V2) !== 0;
      const invalid = invalidComponents(body, v2, uploads);
      if (invalid) return invalid;
      if (v2 && !wasV2) {
        // Converting a message to V2 needs its content and embeds cleared in the same edit.
        const previous = message.versions.at(-1)!;
        const clearsContent = body.content === "" || body.content === null || !previous.content;
        const clearsEmbeds =
          (Array.isArray(body.embeds) && body.embeds.length === 0) || previous.embeds.length === 0;
        if (!clearsContent || !clearsEmbeds)
          return error(
            400,
            50035,
            "Invalid Form Body: content and embeds must be cleared to use IS_COMPONENTS_V2",
          );
        message.flags |= IS_COMPONENTS_V2;
      }
      const previous = message.versions.at(-1)!;
      const components = (body.components as unknown[] | undefined) ?? previous.components;
      message.versions.push({
        content: v2 ? shownText("", components) : ((body.content as string | undefined) ?? previous.content),
        embeds: (body.embeds as APIEmbed[] | undefined) ?? previous.embeds,
        components,
        allowedMentions: body.allowed_mentions,
      });
      if (uploads.length > 0) message.uploads = uploads;
      else if (Array.isArray(body.attachments) && body.attachments.length === 0) message.uploads = [];
      fake.gateway.dispatch("MESSAGE_UPDATE", messageJson(message));
      return { status: 200, body: messageJson(message) };
    },
  },
  {
    method: "DELETE",
    pattern: /^\/channels\/(\d+)\/messages\/(\d+)$/,
    auth: true,
    handle: (fake, [, messageId]) => {
      const message = fake.messages.get(messageId!);
      if (!message || message.deleted) return UNKNOWN_MESSAGE;
      message.deleted = true;
      return { status: 204 };
    },
  },
  {
    method: "PUT",
    pattern: /^\/channels\/(\d+)\/messages\/(\d+)\/reactions\/[^/]+\/@me$/,
    auth: true,
    handle: () => ({ status: 204 }),
  },
  {
    method: "POST",
    pattern: /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/,
    auth: true,
    handle: (fake, [channelId, messageId], body) => {
      const channel = fake.channels.get(channelId!);
      const message = fake.messages.get(messageId!);
      if (!channel) return UNKNOWN_CHANNEL;
      if (!message || message.channelId !== channelId) return UNKNOWN_MESSAGE;
      if (channel.type !== 0 && channel.type !== 5)
        return error(400, 50024, "Cannot execute action on this channel type");
      if (fake.channels.has(messageId!)) {
        return error(400, 160004, "A thread has already been created for this message");
      }
      const name = typeof body.name === "string" ? body.name : "";
      if (name.length < 1 || name.length > 100) return error(400, 50035, "Invalid Form Body: name");
      return { status: 201, body: channelJson(fake.createThread(channelId!, name, messageId)) };
    },
  },
  {
    method: "POST",
    pattern: /^\/channels\/(\d+)\/threads$/,
    auth: true,
    handle: (fake, [channelId], body) => {
      if (!fake.channels.has(channelId!)) return UNKNOWN_CHANNEL;
      const name = typeof body.name === "string" ? body.name : "";
      if (name.length < 1 || name.length > 100) return error(400, 50035, "Invalid Form Body: name");
      return { status: 201, body: channelJson(fake.createThread(channelId!, name)) };
    },
  },
  {
    method: "POST",
    pattern: /^\/interactions\/(\d+)\/([^/]+)\/callback$/,
    auth: false,
    handle: (fake, [id, token], body, url) => {
      const interaction = fake.interactions.get(id!);
      if (!interaction || interaction.token !== token) return UNKNOWN_INTERACTION;
      if (interaction.callbacks.length > 0)
        return error(400, 40060, "Interaction has already been acknowledged.");
      const data = body.data as Record<string, unknown> | undefined;
      if (body.type === 9) {
        const problem = modalProblem(data);
        if (problem) return error(400, 50035, `Invalid Form Body: ${problem}`);
        if (interaction.type === 5)
          return error(400, 50035, "Invalid Form Body: a modal cannot open a modal");
      }
      if (body.type === 4 && data) {
        const v2 = (flagsOf(data) & IS_COMPONENTS_V2) !== 0;
        const invalid = invalidComponents(data, v2, []);
        if (invalid) return invalid;
      }
      interaction.callbacks.push({ type: body.type as number, data, at: Date.now() });
      if (url.searchParams.get("with_response") !== "true") return { status: 204 };
      return {
        status: 200,
        body: {
          interaction: { id: interaction.id, type: 2, response_message_loading: body.type === 5 },
          resource: { type: body.type },
        },
      };
    },
  },
  {
    method: "PATCH",
    pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/,
    auth: false,
    handle: (fake, [, token], body) => {
      const interaction = interactionByToken(fake, token!);
      if (!interaction || interaction.callbacks.length === 0 || interaction.originalDeleted)
        return UNKNOWN_WEBHOOK;
      interaction.edits.push({ body, at: Date.now() });
      return {
        status: 200,
        body: originalJson(fake, interaction, (body.content as string | undefined) ?? ""),
      };
    },
  },
  {
    method: "DELETE",
    pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/,
    auth: false,
    handle: (fake, [, token]) => {
      const interaction = interactionByToken(fake, token!);
      if (!interaction || interaction.callbacks.length === 0 || interaction.originalDeleted)
        return UNKNOWN_WEBHOOK;
      interaction.originalDeleted = true;
      return { status: 204 };
    },
  },
  {
    method: "POST",
    pattern: /^\/webhooks\/(\d+)\/([^/]+)$/,
    auth: false,
    handle: (fake, [, token], body) => {
      const interaction = interactionByToken(fake, token!);
      if (!interaction || interaction.callbacks.length === 0) return UNKNOWN_WEBHOOK;
      interaction.followUps.push(body);
      return {
        status: 200,
        body: originalJson(fake, interaction, (body.content as string | undefined) ?? ""),
      };
    },
  },
  {
    method: "PUT",
    pattern: /^\/applications\/(\d+)\/(?:guilds\/(\d+)\/)?commands$/,
    auth: true,
    handle: (fake, [applicationId, guildId], body) => {
      if (applicationId !== fake.applicationId) return error(403, 50001, "Missing Access");
      if (guildId && guildId !== fake.guild.id) return error(403, 50001, "Missing Access");
      const list = Array.isArray(body) ? (body as { name: string }[]) : [];
      const registered = list.map((command) => ({
        ...command,
        id: snowflake(),
        application_id: fake.applicationId,
        version: snowflake(),
        type: 1,
        ...(guildId ? { guild_id: guildId } : {}),
      }));
      fake.rememberCommands(registered);
      fake.commandRegistrations.push({ path: guildId ? `guild:${guildId}` : "global", body });
      return { status: 200, body: registered };
    },
  },
];

/** Answers one REST request under `/api/v10`, recording it (with the token reduced to right/wrong/none). */
export async function handleRest(
  fake: FakeDiscord,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  raw: string,
  uploads: UploadedFile[] = [],
): Promise<void> {
  const method = req.method ?? "GET";
  const path = decodeURIComponent(url.pathname).replace(/^\/api(?:\/v\d+)?/, "");
  const header = req.headers.authorization;
  const auth = !header ? "none" : header === `Bot ${fake.token}` ? "bot" : "wrong";
  let body: unknown;
  try {
    body = raw ? JSON.parse(raw) : undefined;
  } catch {
    body = raw;
  }
  const record: RecordedRestRequest = {
    method,
    path,
    query: url.search.slice(1),
    auth,
    body,
    status: 0,
    at: Date.now(),
  };
  fake.requests.push(record);
  const reply = (result: Result, headers: Record<string, string> = {}) => {
    record.status = result.status;
    const json = result.status === 204 ? {} : { "content-type": "application/json" };
    res.writeHead(result.status, { ...json, ...headers });
    res.end(result.body === undefined || result.status === 204 ? undefined : JSON.stringify(result.body));
    fake.changed();
  };
  const fault = fake.takeFault(method, path);
  if (fault) return reply({ status: fault.status, body: fault.body }, fault.headers);
  const route = ROUTES.find((candidate) => candidate.method === method && candidate.pattern.test(path));
  if (!route) return reply(error(404, 0, "404: Not Found"));
  if (route.auth && auth !== "bot") return reply(error(401, 0, "401: Unauthorized"));
  const params = route.pattern.exec(path)!.slice(1) as string[];
  const parsed = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  reply(route.handle(fake, params, parsed, url, uploads));
}
