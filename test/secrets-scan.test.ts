import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox } from "../src/core/secret-box.js";
import { RedisKeyValueStore } from "../src/store/redis-key-value-store.js";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord/harness.js";
import { textsOf } from "./fakes/discord/message-text.js";
import { dumpRedis } from "./helpers/redis-dump.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
const SECRETS_KEY = randomBytes(32).toString("hex");

describe("no secret in the clear in Redis after a full Discord scenario", () => {
  let bot: DiscordHarness;
  /** Every key and value in Redis after the scenario, and the secrets it used. */
  let dump: string;
  let secrets: string[];
  beforeAll(async () => {
    bot = await startDiscordHarness(redis.url, { env: { SECRETS_KEY } });
    ({ dump, secrets } = await runScenario(bot));
  }, 60_000);
  afterAll(async () => {
    await bot?.dispose();
  });

  it("holds no bot token, personal token, anonymous token or interaction token, job data included", () => {
    expect(secrets.length).toBeGreaterThanOrEqual(7);
    for (const secret of secrets) expect(dump, secret.slice(0, 12)).not.toContain(secret);
    // The command jobs themselves (kept for days, shown on the queue board) reference a sealed record.
    expect(dump).toContain("replyKept");
  });

  // Claim links are handed to the owner privately and never kept: no history entry, cache or job holds one.
  it("holds no claim token (clm_…) in the clear", () => {
    expect(dump.split("\n").filter((line) => /clm_[\w-]{6,}/.test(line))).toEqual([]);
  });
});

/** Login with a personal token, a thread on the shared account, Export, commands with interaction tokens. */
async function runScenario(bot: DiscordHarness): Promise<{ dump: string; secrets: string[] }> {
  const { fake, sim, runtime } = bot;
  const followUps = (interaction: { followUps: Record<string, unknown>[] }) =>
    interaction.followUps.flatMap(textsOf).join("\n");
  const account = sim.createAccount({ balance: 900 });
  const submit = fake.submitCommandModal(
    "nemo:login",
    { token: account.token },
    { channelId: fake.general.id },
  );
  await fake.waitFor(() => followUps(submit).includes("is linked"), 10_000, "login");

  // Bob has no account of his own: his thread runs on the shared (anonymous) account.
  fake.slash("video", {
    channelId: fake.general.id,
    strings: { prompt: "generate a video of a lighthouse" },
    user: fake.bob,
  });
  await fake.waitFor(() => fake.threadsIn(fake.general.id).length > 0, 10_000, "thread");
  const thread = fake.threadsIn(fake.general.id)[0]!.id;
  await fake.waitFor(() => bot.transcript(thread).includes("Music and title added"), 15_000, "answer");
  const answer = fake.botMessagesIn(thread).at(-1)!;
  fake.click(answer, "nemo:export", { user: fake.bob });
  await fake.waitFor(() => fake.botMessagesIn(thread).some((m) => m.uploads.length > 0), 15_000, "export");
  // The shared account's balance is posted in the thread (the bind link would go to an operator alone).
  fake.slash("credits", { channelId: thread });
  await fake.waitFor(() => bot.transcript(thread).includes("Credits:"), 10_000, "credits");

  const client = runtime.services.redis as Redis;
  const kv = new RedisKeyValueStore(client, runtime.services.keys, new SecretBox(SECRETS_KEY));
  const anonymous = JSON.parse((await kv.get("nemo:anonymous-token"))!) as { token: string };
  const interactionTokens = [...fake.interactions.values()].map((interaction) => interaction.token);
  expect(interactionTokens.length).toBeGreaterThanOrEqual(4);
  return {
    dump: await dumpRedis(client),
    secrets: [fake.token, account.token, anonymous.token, ...interactionTokens],
  };
}
