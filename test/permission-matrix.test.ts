import { afterEach, describe, expect, it } from "vitest";
import type { Inbound } from "../src/core/conversation/inbound.js";
import { placeKindOf } from "../src/core/conversation/place.js";
import type { FakeDiscord } from "./fakes/discord/fake-discord.js";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord/harness.js";
import { textsOf } from "./fakes/discord/message-text.js";
import type { FakeInteraction, FakeUser } from "./fakes/discord/model.js";
import { FakeSlackApi } from "./fakes/slack/fake-slack-api.js";
import { appMention, eventCallbackBody, messageEvent, slashCommandBody } from "./fakes/slack/payloads.js";
import { BOT_USER, SlackBot, TEAM } from "./fakes/slack/slack-bot-fixture.js";
import { expectCase, type RoleCase, roleCases } from "./helpers/permission-cases.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();

/**
 * The permission matrix: every cell of the table (permission-table.ts), generated from the table itself,
 * walked through the real adapters — each (place kind, role) is one real platform event whose `Inbound`
 * the real discord.js or Bolt path made, then every action is decided for that sender by the runtime's
 * `Permissions`, both ways. The would-be admins are the members of places without admins: Manage Server
 * in a guild the bot is not in (a user-installed command), a workspace admin of another organisation in
 * a Slack Connect channel. The effects (no bind link, no backend call, quota counted) follow.
 */
describe("permission matrix: Discord (real discord.js, fake Discord)", () => {
  let bot: DiscordHarness | undefined;
  afterEach(async () => {
    await bot?.dispose();
    bot = undefined;
  });

  it("walks every Discord cell: guild with the bot, user-installed command in a guild without it, DM", async () => {
    const operator: FakeUser = { id: "700000000000000051", username: "opal", permissions: "3072" };
    const owner: FakeUser = { id: "700000000000000052", username: "olly", permissions: "3072" };
    bot = await startDiscordHarness(redis.url, { env: { OPERATOR_DISCORD_USERS: operator.id } });
    const { fake, runtime } = bot;
    const captured = capture(runtime.intake);
    for (const user of [operator, owner]) fake.dmWith(user);
    const start = fake.mention(fake.general.id, "hello there", { author: owner });
    await fake.waitFor(() => bot!.transcript(start.id).includes("You said"), 10_000, "thread");
    // Bob has Manage Server: an admin in the guild the bot is in, a mere member elsewhere.
    const actors = { operator, admin: fake.bob, owner, member: fake.carol };
    const event = (c: RoleCase): FakeInteraction => {
      const user = c.role === "member" && c.place !== "discord-guild" ? fake.bob : actors[c.role];
      if (c.place === "discord-guild") return fake.slash("usage", { channelId: start.id, user });
      if (c.place === "discord-dm") return fake.slash("usage", { channelId: fake.dmWith(user).id, user });
      return fake.foreignGuildSlash("usage", { user });
    };
    const cases = roleCases(["discord-guild", "discord-user-install", "discord-dm"]);
    expect(cases).toHaveLength(10);
    for (const roleCase of cases) {
      const interaction = event(roleCase);
      const inbound = await captured.waitFor(fake, interaction.id, `${roleCase.place} ${roleCase.role}`);
      expect(inbound.user.place ?? placeKindOf(inbound.ref)).toBe(roleCase.place);
      await expectCase(runtime.services, runtime.services.permissions, roleCase, inbound);
    }

    // Effects. Manage Server in their own server, user-installed /credits: no bind link anywhere.
    const foreign = fake.foreignGuildSlash("credits", { user: fake.bob });
    await fake.waitFor(() => bot!.transcript(fake.dmWith(fake.bob).id).includes("Credits:"), 10_000, "dm");
    await captured.waitFor(fake, foreign.id);
    // The operator's /credits in a thread: the bind link, privately (an ephemeral follow-up) only.
    const asked = fake.slash("credits", { channelId: start.id, user: operator });
    await fake.waitFor(() => followUps(asked).includes("bind="), 10_000, "operator's bind link");
    expect(Number(asked.followUps.at(-1)?.flags) & 64).toBe(64);
    const admin = fake.slash("credits", { channelId: start.id, user: fake.bob });
    await captured.waitFor(fake, admin.id);
    await fake.waitFor(() => bot!.transcript(start.id).split("Credits:").length === 3, 10_000, "credits");
    expect(followUps(admin) + followUps(foreign)).not.toContain("bind=");
    for (const channel of [start.id, fake.dmWith(fake.bob).id])
      expect(bot.transcript(channel)).not.toContain("bind=");

    // /usage: Manage Server in their own server reads only their own use (no place of any kind);
    // the bot's admin reads the guild's; the operator also every place's.
    const usage = (interaction: FakeInteraction, what: string) =>
      fake
        .waitFor(() => followUps(interaction).includes("Your use"), 10_000, what)
        .then(() => followUps(interaction));
    const foreignUse = await usage(fake.foreignGuildSlash("usage", { user: fake.bob }), "foreign usage");
    expect(foreignUse).not.toContain("Use in this server");
    const guildUse = await usage(fake.slash("usage", { channelId: start.id, user: fake.bob }), "admin usage");
    expect(guildUse).toContain("Use in this server");
    expect(guildUse).toContain(owner.id);
    expect(guildUse).not.toContain("Use across all places");
    const allUse = await usage(
      fake.slash("usage", { channelId: start.id, user: operator }),
      "operator usage",
    );
    expect(allUse).toContain("Use across all places");

    // Typed in the thread (no interaction to answer privately): the operator's report goes to their DM,
    // never into the thread, where every member would read the place's and every place's use.
    const dm = fake.dmWith(operator).id;
    fake.say(start.id, "/usage", { author: operator });
    const typed = () => `${bot!.transcript(start.id)}\n${bot!.transcript(dm)}`;
    await fake.waitFor(() => typed().includes("Use across all places"), 10_000, "typed usage");
    expect(bot.transcript(start.id)).not.toContain("Use in this server");
    expect(bot.transcript(dm)).toContain("Use across all places");
  });
});

describe("permission matrix: Slack (real Bolt, fake Web API)", () => {
  let bot: SlackBot | undefined;
  afterEach(async () => {
    await bot?.dispose();
    bot = undefined;
  });

  it("walks every Slack cell: channel of an installed workspace (Slack Connect too), DM", async () => {
    bot = await SlackBot.start({
      redisUrl: redis.url,
      env: { OPERATOR_SLACK_USERS: "UOP", QUOTA_TURNS_PER_HOUR: "channel=1" },
    });
    const users = bot.fake.users;
    users.set("UOP", { name: "opal" });
    users.set("UADM", { name: "ada", isAdmin: true });
    users.set("UOWN", { name: "olly" });
    users.set("UMEM", { name: "mem" });
    // A Slack Connect member of another organisation, admin at home.
    users.set("UEXT", { name: "ext", isAdmin: true, team: "TOTHER" });
    const actors = { operator: "UOP", admin: "UADM", owner: "UOWN", member: "UEXT" };
    const parent = "1700009000.000100";
    let n = 0;
    const send = (event: Record<string, unknown>) =>
      bot!.sendJson(eventCallbackBody(event, { team: TEAM, eventId: `Ev${++n}`, botUserId: BOT_USER }));
    const cases = roleCases(["slack-channel", "slack-dm"]);
    expect(cases).toHaveLength(7);
    for (const roleCase of cases) {
      const user =
        roleCase.place === "slack-dm" && roleCase.role === "member" ? "UMEM" : actors[roleCase.role];
      const ts = `1700009${String(++n).padStart(3, "0")}.000100`;
      const before = bot.handled.length;
      await send(
        roleCase.place === "slack-channel"
          ? appMention({ channel: "C9", user, text: `<@${BOT_USER}> hi`, ts, threadTs: parent })
          : messageEvent({ channel: `D${user}`, channelType: "im", user, text: "hi", ts }),
      );
      await bot.fake.waitFor(() => bot!.handled.length > before, 10_000, "inbound");
      const inbound = bot.handled.at(-1)!;
      expect(placeKindOf(inbound.ref)).toBe(roleCase.place);
      await expectCase(bot.runtime!.services, bot.runtime!.services.permissions, roleCase, inbound);
    }

    // Effects for the Slack Connect member: their /nemo usage shows no workspace use, and their
    // message counts in the channel's quota (channel=1, used up by the first mention above).
    const ephemerals = () => bot!.fake.callsOf("chat.postEphemeral").map((call) => String(call.params.text));
    await bot.sendForm(
      slashCommandBody({
        team: TEAM,
        channel: "C9",
        user: "UEXT",
        text: "usage",
        triggerId: "t.ext",
        responseUrl: bot.responseUrl("ext"),
      }),
    );
    await bot.fake.waitFor(() => ephemerals().some((t) => t.includes("Your use")), 10_000, "usage");
    expect(ephemerals().join("\n")).not.toContain("Use in this server or workspace");
    const limits = () =>
      bot!.fake.thread("C9", parent).filter((m) => FakeSlackApi.visible(m).includes("Limit reached")).length;
    const before = limits();
    // As Slack sends it in a shared channel: the author's own team on the event.
    await send({
      ...appMention({
        channel: "C9",
        user: "UEXT",
        text: `<@${BOT_USER}> once more`,
        ts: "1700009999.000100",
        threadTs: parent,
      }),
      team: "TOTHER",
    });
    await bot.fake.waitFor(() => limits() > before, 15_000, "the external member is counted");
    // The adapter itself marks them: never an admin here, without a lookup.
    expect(bot.handled.at(-1)?.user).toEqual({ id: "UEXT", admin: false });
    expect(bot.sim!.requests.filter((r) => String(r.message).includes("once more"))).toHaveLength(0);
  });
});

/** Wraps the runtime's intake so the test reads each `Inbound` the real adapter made. */
function capture(intake: { handle(inbound: Inbound): Promise<void> }) {
  const seen = new Map<string, Inbound>();
  const handle = intake.handle.bind(intake);
  intake.handle = async (inbound) => {
    seen.set(inbound.id, inbound);
    await handle(inbound);
  };
  return {
    async waitFor(fake: FakeDiscord, id: string, what = id): Promise<Inbound> {
      await fake.waitFor(() => seen.has(id), 10_000, `the inbound of ${what}`);
      return seen.get(id)!;
    },
  };
}

function followUps(interaction: FakeInteraction): string {
  return interaction.followUps.flatMap(textsOf).join("\n") + JSON.stringify(interaction.followUps);
}
