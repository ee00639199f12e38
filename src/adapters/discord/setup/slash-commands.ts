import type { REST } from "@discordjs/rest";
import {
  ApplicationCommandOptionType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  Routes,
} from "discord-api-types/v10";
import type { ActionKind } from "../../../core/conversation/reply.js";

/** The bot's slash commands, and what each does: `/video` sends a prompt, the others name an action. */
export const COMMAND_ACTIONS = {
  video: "prompt",
  export: "export",
  status: "timeline",
  credits: "credits",
  new: "new",
  cancel: "cancel",
  help: "help",
  login: "login",
  logout: "logout",
  whoami: "account",
  history: "history",
  usage: "usage",
  // Settings (issue 21)
  settings: "settings",
  // Continue anywhere: `/continue` gives a code; `/continue code:…` redeems one (slash-command.ts)
  continue: "move_code",
} as const satisfies Record<string, ActionKind | "prompt">;

/** A slash command's name. */
export type CommandName = keyof typeof COMMAND_ACTIONS;

/** Whether `name` is one of the bot's commands. */
export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_ACTIONS, name);
}

type CommandBody = RESTPostAPIChatInputApplicationCommandsJSONBody;

/** What each command does, in English and Chinese (`zh-CN`), as Discord shows it. */
const DESCRIPTIONS: Record<CommandName, readonly [en: string, zh: string]> = {
  // Making and changing the video.
  video: ["Create or change a video: describe what you want", "创建或修改视频：描述你想要的内容"],
  export: ["Export the video and get the download link", "导出视频并获取下载链接"],
  new: ["Start a fresh project in this thread", "在本话题中新建项目"],
  cancel: ["Cancel your message that is still waiting", "取消仍在排队的消息"],
  // Looking things up.
  status: ["Show the project's timeline", "查看项目时间线"],
  credits: ["Show your credit balance", "查看积分余额"],
  history: ["Your last exported videos", "你最近导出的视频"],
  usage: ["Your use and limits (admins: the whole server's)", "你的用量和限额（管理员：整个服务器）"],
  help: ["What the bot can do", "机器人能做什么"],
  // The user's own NemoVideo account (answered privately).
  login: ["Link your own NemoVideo account (private form)", "关联你自己的 NemoVideo 账户（私密表单）"],
  logout: ["Unlink your NemoVideo account", "取消关联你的 NemoVideo 账户"],
  whoami: ["Which NemoVideo account this thread uses", "查看本话题使用的 NemoVideo 账户"],
  // Settings (issue 21)
  settings: [
    "Your video defaults: aspect ratio, length, language (admins: the server's)",
    "你的视频默认设置：画面比例、时长、语言（管理员：服务器的）",
  ],
  // Continue anywhere
  continue: [
    "Get a code to continue this project elsewhere, or use one here",
    "获取在别处继续此项目的继续码，或在这里使用继续码",
  ],
};

/** `/continue`'s option: a continue code to redeem (none: a code for this thread's project). */
const CONTINUE_OPTIONS: CommandBody["options"] = [
  {
    type: ApplicationCommandOptionType.String,
    name: "code",
    description: "A continue code (from /continue in the project's thread)",
    description_localizations: { "zh-CN": "继续码（在项目所在话题中用 /continue 获取）" },
    required: false,
    max_length: 40,
  },
];

/** `/video`'s options: the prompt, and a file to add. */
const VIDEO_OPTIONS: CommandBody["options"] = [
  {
    type: ApplicationCommandOptionType.String,
    name: "prompt",
    description: "What the video should show, or what to change",
    description_localizations: { "zh-CN": "视频要展示的内容，或要修改的地方" },
    required: true,
    max_length: 4000,
  },
  {
    type: ApplicationCommandOptionType.Attachment,
    name: "file",
    description: "A video, image or audio file to add",
    description_localizations: { "zh-CN": "要添加的视频、图片或音频文件" },
    required: false,
  },
];

/** The full command list, as registered (one PUT replaces whatever was there: idempotent). */
export const SLASH_COMMANDS: readonly CommandBody[] = (Object.keys(COMMAND_ACTIONS) as CommandName[]).map(
  (name) => {
    const [en, zh] = DESCRIPTIONS[name];
    return {
      name,
      description: en,
      description_localizations: { "zh-CN": zh },
      ...(name === "video" ? { options: VIDEO_OPTIONS } : {}),
      ...(name === "continue" ? { options: CONTINUE_OPTIONS } : {}),
    };
  },
);

/**
 * Registers the commands with one PUT of the full list: to `guildId` when given (visible at once, that
 * server only), else globally (every server and DMs; Discord may take a while to show changes), both for
 * server installs and user installs (`integration_types` 0 and 1) and usable in servers, the bot's DM and
 * private channels (`contexts` 0, 1, 2: there the conversation continues in the user's DM with the bot).
 * Resolves to the number of commands registered.
 */
export async function registerSlashCommands(
  rest: Pick<REST, "put">,
  applicationId: string,
  guildId?: string,
): Promise<number> {
  const body = guildId
    ? SLASH_COMMANDS
    : SLASH_COMMANDS.map((definition) => ({
        ...definition,
        contexts: [
          InteractionContextType.Guild,
          InteractionContextType.BotDM,
          InteractionContextType.PrivateChannel,
        ],
        integration_types: [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall],
      }));
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  const registered = (await rest.put(route, { body })) as unknown[];
  return registered.length;
}
