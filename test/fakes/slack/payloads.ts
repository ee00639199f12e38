/**
 * Request bodies in Slack's real formats: slash commands (form-encoded), Events API `event_callback`
 * (JSON) and `block_actions` (form-encoded `payload=` JSON). Field sets follow captured requests with
 * the ids and secrets replaced.
 */

const APP_ID = "A0FAKEAPP";

export interface SlashCommandFields {
  team: string;
  channel: string;
  user: string;
  text: string;
  triggerId: string;
  responseUrl: string;
  command?: string;
}

/** A slash command body, form-encoded. */
export function slashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams({
    token: "legacy-verification-token",
    team_id: fields.team,
    team_domain: "fake-team",
    channel_id: fields.channel,
    channel_name: fields.channel.startsWith("D") ? "directmessage" : "video-lab",
    user_id: fields.user,
    user_name: "alice",
    command: fields.command ?? "/nemo",
    text: fields.text,
    api_app_id: APP_ID,
    is_enterprise_install: "false",
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId,
  }).toString();
}

export interface EventFields {
  team: string;
  eventId: string;
  botUserId: string;
}

/** An Events API `event_callback` body, JSON. */
export function eventCallbackBody(event: Record<string, unknown>, fields: EventFields): string {
  return JSON.stringify(eventEnvelope(event, fields));
}

/** The `event_callback` envelope (also the `payload` of a Socket Mode `events_api` message). */
export function eventEnvelope(event: Record<string, unknown>, fields: EventFields): Record<string, unknown> {
  return {
    token: "legacy-verification-token",
    team_id: fields.team,
    context_team_id: fields.team,
    context_enterprise_id: null,
    api_app_id: APP_ID,
    event: { event_ts: event.ts, ...event },
    type: "event_callback",
    event_id: fields.eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: fields.team,
        user_id: fields.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-fake-${fields.eventId}`,
  };
}

/** An `app_mention` event. */
export function appMention(fields: {
  channel: string;
  user: string;
  text: string;
  ts: string;
  threadTs?: string;
  files?: unknown[];
}): Record<string, unknown> {
  return {
    type: "app_mention",
    user: fields.user,
    text: fields.text,
    ts: fields.ts,
    client_msg_id: `msg-${fields.ts}`,
    team: "T0FAKE",
    channel: fields.channel,
    ...(fields.threadTs ? { thread_ts: fields.threadTs } : {}),
    ...(fields.files ? { files: fields.files, upload: false } : {}),
  };
}

/** A `message` event (a person writing; set `subtype` for file shares, edits, bots). */
export function messageEvent(fields: {
  channel: string;
  channelType: "channel" | "group" | "im" | "mpim";
  /** Absent for bot posts. */
  user?: string | undefined;
  text: string;
  ts: string;
  threadTs?: string;
  parentUserId?: string;
  subtype?: string;
  botId?: string;
  files?: unknown[];
}): Record<string, unknown> {
  return {
    type: "message",
    ...(fields.subtype ? { subtype: fields.subtype } : {}),
    ...(fields.user ? { user: fields.user } : {}),
    ...(fields.botId ? { bot_id: fields.botId } : {}),
    text: fields.text,
    ts: fields.ts,
    team: "T0FAKE",
    channel: fields.channel,
    channel_type: fields.channelType,
    ...(fields.threadTs ? { thread_ts: fields.threadTs } : {}),
    ...(fields.parentUserId ? { parent_user_id: fields.parentUserId } : {}),
    ...(fields.files ? { files: fields.files, upload: false, display_as_bot: false } : {}),
  };
}

export interface BlockActionFields {
  team: string;
  channel: string;
  user: string;
  botUserId: string;
  messageTs: string;
  threadTs?: string;
  actionId: string;
  value?: string;
  actionTs: string;
  responseUrl: string;
  /** The clicker's name (`user.name`); by default the one the tests give that id (U1 alice, U2 bob, U3 lin). */
  userName?: string;
}

/** The names the tests give their Slack users; any other id gets its own id, lower-cased. */
const USER_NAMES: Record<string, string> = { U1: "alice", U2: "bob", U3: "lin" };

/** The name Slack sends with `user_id` (`USER_NAMES`, else the id lower-cased). */
function userNameOf(userId: string): string {
  return USER_NAMES[userId] ?? userId.toLowerCase();
}

/** A `block_actions` payload (a button click). */
export function blockActionsPayload(fields: BlockActionFields): Record<string, unknown> {
  return {
    type: "block_actions",
    user: {
      id: fields.user,
      username: fields.userName ?? userNameOf(fields.user),
      name: fields.userName ?? userNameOf(fields.user),
      team_id: fields.team,
    },
    api_app_id: APP_ID,
    token: "legacy-verification-token",
    container: {
      type: "message",
      message_ts: fields.messageTs,
      channel_id: fields.channel,
      is_ephemeral: false,
      ...(fields.threadTs ? { thread_ts: fields.threadTs } : {}),
    },
    trigger_id: `trigger-${fields.actionTs}`,
    team: { id: fields.team, domain: "fake-team" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: fields.channel, name: fields.channel.startsWith("D") ? "directmessage" : "video-lab" },
    message: {
      type: "message",
      user: fields.botUserId,
      ts: fields.messageTs,
      ...(fields.threadTs ? { thread_ts: fields.threadTs } : {}),
      bot_id: "BBOT",
      text: "…",
      blocks: [],
    },
    state: { values: {} },
    response_url: fields.responseUrl,
    actions: [
      {
        action_id: fields.actionId,
        block_id: "b1",
        text: { type: "plain_text", text: "Export", emoji: true },
        ...(fields.value === undefined ? {} : { value: fields.value }),
        type: "button",
        action_ts: fields.actionTs,
      },
    ],
  };
}

/** A `block_actions` body as Slack sends it: form-encoded `payload=<json>`. */
export function blockActionsBody(fields: BlockActionFields): string {
  return new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(fields)) }).toString();
}

export interface ViewSubmissionFields {
  team: string;
  user: string;
  viewId: string;
  /** The view as the bot opened it (`views.open`): its callback id and private metadata come back. */
  view: { callback_id: string; private_metadata?: string };
  /** The submitted values: block id → action id → value. */
  values: Record<string, Record<string, string>>;
  /** Settings (issue 21): chosen options of static selects: block id → action id → option value. */
  selects?: Record<string, Record<string, string>>;
}

/** A modal's `view_submission` as Slack sends it: form-encoded `payload=<json>`. */
export function viewSubmissionBody(fields: ViewSubmissionFields): string {
  const values = Object.fromEntries(
    Object.entries(fields.values).map(([block, actions]) => [
      block,
      Object.fromEntries(
        Object.entries(actions).map(([action, value]) => [action, { type: "plain_text_input", value }]),
      ),
    ]),
  );
  for (const [block, actions] of Object.entries(fields.selects ?? {})) {
    (values as Record<string, unknown>)[block] = Object.fromEntries(
      Object.entries(actions).map(([action, value]) => [
        action,
        { type: "static_select", selected_option: { text: { type: "plain_text", text: value }, value } },
      ]),
    );
  }
  const payload = {
    type: "view_submission",
    team: { id: fields.team, domain: "fake-team" },
    user: { id: fields.user, username: "alice", name: "alice", team_id: fields.team },
    api_app_id: APP_ID,
    token: "legacy-verification-token",
    trigger_id: `trigger-${fields.viewId}`,
    view: {
      id: fields.viewId,
      team_id: fields.team,
      type: "modal",
      callback_id: fields.view.callback_id,
      private_metadata: fields.view.private_metadata ?? "",
      hash: "1700000000.abcd",
      blocks: [],
      state: { values },
      app_id: APP_ID,
      bot_id: "BBOT",
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
