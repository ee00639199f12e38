import { createDiscordMessenger, type DiscordMessengerConfig } from "../../../src/adapters/discord/index.js";
import type { ConversationRef } from "../../../src/core/conversation/conversation-ref.js";
import { silentLogger } from "../../../src/core/logger.js";
import { FakeDiscord, type FakeDiscordOptions } from "./fake-discord.js";

/**
 * A fake Discord with a thread ("video") under a message in #general, and a Discord messenger on it
 * (silent unless given a logger): the fake, the thread's ref and the messenger. The caller closes the fake.
 */
export async function discordThreadMessenger(
  options: FakeDiscordOptions = {},
  config: Partial<Pick<DiscordMessengerConfig, "logger" | "media">> = {},
) {
  const fake = await FakeDiscord.start(options);
  const parent = fake.say(fake.general.id, "thread starter");
  const thread = fake.createThread(fake.general.id, "video", parent.id);
  const ref: ConversationRef = {
    platform: "discord",
    workspace: fake.guild.id,
    channel: fake.general.id,
    thread: thread.id,
  };
  const messenger = createDiscordMessenger({
    token: fake.token,
    apiUrl: fake.apiUrl,
    logger: config.logger ?? silentLogger(),
    ...(config.media ? { media: config.media } : {}),
  });
  return { fake, ref, messenger };
}
