import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord/harness.js";
import { textsOf } from "./fakes/discord/message-text.js";
import { latest } from "./fakes/discord/model.js";
import { slashCommandBody, viewSubmissionBody } from "./fakes/slack/payloads.js";
import { SlackBot, TEAM } from "./fakes/slack/slack-bot-fixture.js";
import { dumpRedis } from "./helpers/redis-dump.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
const SECRETS_KEY = randomBytes(32).toString("hex");
const EPHEMERAL = 64;

/** Text as Discord shows it: the Markdown escapes (`\_`, `\*`, …) the bot adds are gone. */
const unescaped = (markdown: string) => markdown.replace(/\\(.)/g, "$1");

/** The masked form of a token: its `nmv_` prefix and its last four characters. */
const masked = (token: string) => `nmv_••••${token.slice(-4)}`;

describe("Discord: /login (modal), the thread's account, /whoami, /logout", () => {
  let bot: DiscordHarness;
  /** An interaction's follow-ups as Markdown (Components V2: the text is in text displays, not `content`). */
  const followUps = (interaction: { followUps: Record<string, unknown>[] }) =>
    interaction.followUps.flatMap(textsOf).join("\n");
  beforeAll(async () => {
    bot = await startDiscordHarness(redis.url, { env: { SECRETS_KEY } });
  });
  afterAll(async () => {
    await bot?.dispose();
  });

  it("links a member's own account; their threads use it whoever talks; nothing leaks; logout unlinks", async () => {
    const { fake, sim } = bot;
    const account = sim.createAccount({ balance: 900 });

    // /login answers with a modal (type 9) holding one text input.
    const login = fake.slash("login", { channelId: fake.general.id });
    await fake.waitFor(() => login.callbacks.length > 0, 5_000, "modal");
    expect(login.callbacks[0]).toMatchObject({ type: 9, data: { custom_id: "nemo:login" } });
    expect(JSON.stringify(login.callbacks[0]!.data)).toContain('"custom_id":"token"');

    // The token typed in the modal: validated (a credits call with it), linked, answered privately.
    const submit = fake.submitCommandModal(
      "nemo:login",
      { token: account.token },
      { channelId: fake.general.id },
    );
    await fake.waitFor(() => followUps(submit).includes("is linked"), 10_000, "login answer");
    expect(submit.callbacks[0]).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    expect(Number(submit.followUps[0]?.flags) & EPHEMERAL).toBe(EPHEMERAL);
    expect(unescaped(followUps(submit))).toContain(masked(account.token));
    expect(followUps(submit)).not.toContain(account.token);
    expect(
      sim.requests.some((r) => r.path === "/api/credits/balance/simple" && r.userId === account.userId),
    ).toBe(true);

    // A thread the member starts runs on their account — also when someone else talks in it.
    const video = fake.slash("video", {
      channelId: fake.general.id,
      strings: { prompt: "generate a video of a paper boat" },
    });
    await fake.waitFor(() => video.edits.length > 0, 5_000, "pointer");
    const thread = fake.threadsIn(fake.general.id)[0]!.id;
    await fake.waitFor(() => bot.transcript(thread).includes("Music and title added"), 15_000, "answer");
    fake.mention(thread, 'add a title "Boats"', { author: fake.bob });
    await fake.waitFor(() => bot.transcript(thread).includes("Boats"), 15_000, "bob's edit");
    const runs = sim.requests.filter((r) => r.path === "/run_sse");
    expect(runs).toHaveLength(2);
    expect(runs.every((r) => r.userId === account.userId)).toBe(true);
    const created = sim.requests.find((r) => r.path.startsWith("/api/tasks/me/with-session"));
    expect(created?.userId).toBe(account.userId);

    // /whoami in the thread: the account, masked.
    const whoami = fake.slash("whoami", { channelId: thread });
    await fake.waitFor(() => followUps(whoami).includes("own NemoVideo account"), 10_000, "whoami");
    expect(unescaped(followUps(whoami))).toContain(masked(account.token));
    expect(followUps(whoami)).not.toContain(account.token);

    // The balance of a member's own account: only to them, privately; another member reads that it is
    // private, without a backend call for it; the thread reads neither.
    const balanceCalls = () => sim.requests.filter((r) => r.path === "/api/credits/balance/simple").length;
    const callsBefore = balanceCalls();
    const theirs = fake.slash("credits", { channelId: thread, user: fake.bob });
    await fake.waitFor(() => followUps(theirs).includes("only they can see"), 10_000, "bob's credits");
    expect(followUps(theirs)).not.toContain("Credits:");
    expect(balanceCalls()).toBe(callsBefore);
    const own = fake.slash("credits", { channelId: thread });
    await fake.waitFor(() => followUps(own).includes("Credits:"), 10_000, "alice's credits");
    expect(Number(own.followUps[0]?.flags) & EPHEMERAL).toBe(EPHEMERAL);
    expect(bot.transcript(thread)).not.toContain("Credits:");

    // The token is nowhere in Redis, in any message, or in the log.
    expect(await dumpRedis(bot.runtime.services.redis as Redis)).not.toContain(account.token);
    const everything = [...fake.channels.keys()]
      .flatMap((id) => fake.messagesIn(id))
      .map((message) => JSON.stringify(latest(message)))
      .join("\n");
    expect(everything).not.toContain(account.token);
    expect(JSON.stringify([...fake.interactions.values()].map((i) => [i.edits, i.followUps]))).not.toContain(
      account.token,
    );
    expect(bot.logs.text()).not.toContain(account.token);

    // /logout: unlinked; the next thread runs on the bot's account.
    const logout = fake.slash("logout", { channelId: fake.general.id });
    await fake.waitFor(() => followUps(logout).includes("unlinked"), 10_000, "logout");
    const next = fake.slash("video", {
      channelId: fake.general.id,
      strings: { prompt: "generate a video of a kite" },
    });
    await fake.waitFor(() => next.edits.length > 0, 5_000, "second pointer");
    const thread2 = fake.threadsIn(fake.general.id).find((t) => t.id !== thread)!.id;
    await fake.waitFor(
      () => bot.transcript(thread2).includes("Music and title added"),
      15_000,
      "second answer",
    );
    const last = sim.requests.filter((r) => r.path === "/run_sse").at(-1)!;
    expect(last.userId).not.toBe(account.userId);
  });

  it("shows the mask of a token whose last four characters hold a Markdown character, escaped", async () => {
    const { fake, sim } = bot;
    const account = sim.createAccount({ token: "nmv_usr_AMaskedTokenForTheTest_LZ8" });
    const submit = fake.submitCommandModal(
      "nemo:login",
      { token: account.token },
      { channelId: fake.general.id },
    );
    await fake.waitFor(() => followUps(submit).includes("is linked"), 10_000, "login answer");
    expect(followUps(submit)).toContain("nmv\\_••••\\_LZ8");
    expect(unescaped(followUps(submit))).toContain("nmv_••••_LZ8");
    const whoami = fake.slash("whoami", { channelId: fake.general.id });
    await fake.waitFor(() => followUps(whoami).includes("LZ8"), 10_000, "whoami");
    expect(unescaped(followUps(whoami))).toContain("nmv_••••_LZ8");
    expect(followUps(whoami)).not.toContain(account.token);
    const logout = fake.slash("logout", { channelId: fake.general.id });
    await fake.waitFor(() => followUps(logout).includes("unlinked"), 10_000, "logout");
  });

  it("a token pasted in a thread is not forwarded: the sender is told to revoke it", async () => {
    const { fake, sim } = bot;
    const video = fake.slash("video", { channelId: fake.general.id, strings: { prompt: "hello there" } });
    await fake.waitFor(() => video.edits.length > 0, 5_000, "pointer");
    const thread = fake.threadsIn(fake.general.id).at(-1)!.id;
    await fake.waitFor(() => bot.transcript(thread).includes("hello there"), 15_000, "first answer");
    const before = sim.requests.filter((r) => r.path === "/run_sse").length;
    const secret = "nmv_usr_OopsPastedInDiscord42";
    fake.say(thread, `my token is ${secret}`);
    await fake.waitFor(() => bot.transcript(thread).includes("revoke it"), 10_000, "warning");
    expect(sim.requests.filter((r) => r.path === "/run_sse")).toHaveLength(before);
    expect(bot.transcript(thread)).not.toContain(secret);
    expect(await dumpRedis(bot.runtime.services.redis as Redis)).not.toContain(secret);
    expect(bot.logs.text()).not.toContain(secret);
  });
});

describe("Slack: /nemo login (modal, view_submission), /nemo account, /nemo logout", () => {
  let bot: SlackBot;
  beforeAll(async () => {
    bot = await SlackBot.start({ redisUrl: redis.url, env: { SECRETS_KEY } });
    bot.fake.users.set("U7", { name: "carol", locale: "en-US" });
  });
  afterAll(async () => {
    await bot?.dispose();
  });

  it("links the user's account through the modal; their next thread uses it; logout unlinks", async () => {
    const sim = bot.sim!;
    const account = sim.createAccount({ balance: 700 });
    const command = (text: string, trigger: string) =>
      bot.sendForm(
        slashCommandBody({
          team: TEAM,
          channel: "C700",
          user: "U7",
          text,
          triggerId: trigger,
          responseUrl: bot.responseUrl(trigger),
        }),
      );

    expect(await command("login", "t-login")).toEqual({ status: 200, body: "" });
    await bot.fake.waitFor(() => bot.fake.callsOf("views.open").length > 0, 5_000, "views.open");
    const opened = bot.fake.callsOf("views.open")[0]!.params;
    expect(opened.trigger_id).toBe("t-login");
    const view = (typeof opened.view === "string" ? JSON.parse(opened.view) : opened.view) as {
      callback_id: string;
      private_metadata: string;
    };
    expect(view.callback_id).toBe("nemo_login");

    const submitted = await bot.sendForm(
      viewSubmissionBody({
        team: TEAM,
        user: "U7",
        viewId: "V1",
        view,
        values: { token: { token: account.token } },
      }),
    );
    expect(submitted.status).toBe(200);
    const ephemerals = () =>
      bot.fake
        .callsOf("chat.postEphemeral")
        .map((call) => `${String(call.params.text)} ${JSON.stringify(call.params.blocks ?? "")}`)
        .join("\n");
    await bot.fake.waitFor(() => ephemerals().includes("is linked"), 10_000, "login answer");
    expect(bot.fake.callsOf("chat.postEphemeral").at(-1)!.params).toMatchObject({
      channel: "C700",
      user: "U7",
    });

    await command("generate a video of a red balloon", "t-video");
    await bot.fake.waitFor(
      () =>
        sim.requests.some((r) => r.path === "/run_sse" && r.message === "generate a video of a red balloon"),
      15_000,
      "turn",
    );
    const run = sim.requests.find(
      (r) => r.path === "/run_sse" && r.message === "generate a video of a red balloon",
    )!;
    expect(run.userId).toBe(account.userId);

    await command("account", "t-account");
    await bot.fake.waitFor(() => ephemerals().includes("Your linked account"), 10_000, "account answer");
    const accountAnswer = ephemerals();
    expect(accountAnswer).toContain(account.token.slice(-4));
    expect(accountAnswer).not.toContain(account.token);

    expect(await dumpRedis(bot.runtime!.services.redis as Redis)).not.toContain(account.token);
    expect(JSON.stringify(bot.fake.calls)).not.toContain(account.token);

    await command("logout", "t-logout");
    await bot.fake.waitFor(() => ephemerals().includes("unlinked"), 10_000, "logout answer");
    expect(await bot.runtime!.services.accounts.token("slack:U7")).toBeUndefined();
  });
});
