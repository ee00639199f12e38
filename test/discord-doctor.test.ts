import { PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOT_PERMISSIONS, discordDoctorCheck } from "../src/adapters/discord/index.js";
import { FakeDiscord } from "./fakes/discord/fake-discord.js";

let fake: FakeDiscord;
let noContent: FakeDiscord;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  noContent = await FakeDiscord.start({ applicationFlags: 0 });
});
afterAll(async () => {
  await fake?.close();
  await noContent?.close();
});

describe("discord doctor checks", () => {
  it("names the bot, confirms the intent and prints the invite URL", async () => {
    const results = await discordDoctorCheck({ token: fake.token, apiUrl: fake.apiUrl });
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ["discord token", "ok"],
      ["discord intents", "ok"],
      ["discord shards", "ok"],
      ["discord invite", "ok"],
      ["discord user install", "ok"],
    ]);
    expect(results[0]!.detail).toBe(`bot NemoBot (id ${fake.bot.id})`);
    expect(results[2]!.detail).toMatch(/^Discord recommends 1 shard \(GET \/gateway\/bot\)/);
    const userInstall = new URL(results[4]!.detail);
    expect(userInstall.searchParams.get("integration_type")).toBe("1");
    expect(userInstall.searchParams.get("scope")).toBe("applications.commands");
    expect(userInstall.searchParams.get("client_id")).toBe(fake.applicationId);
    const invite = new URL(results[3]!.detail);
    expect(invite.origin + invite.pathname).toBe("https://discord.com/oauth2/authorize");
    expect(invite.searchParams.get("client_id")).toBe(fake.applicationId);
    expect(invite.searchParams.get("scope")).toBe("bot applications.commands");
    expect(invite.searchParams.get("integration_type")).toBe("0");
    const permissions = BigInt(invite.searchParams.get("permissions")!);
    expect(permissions).toBe(BOT_PERMISSIONS);
    for (const flag of [
      PermissionFlagsBits.SendMessages,
      PermissionFlagsBits.SendMessagesInThreads,
      PermissionFlagsBits.CreatePublicThreads,
      PermissionFlagsBits.EmbedLinks,
      PermissionFlagsBits.AttachFiles,
      PermissionFlagsBits.ReadMessageHistory,
    ]) {
      expect(permissions & flag).toBe(flag);
    }
    expect(JSON.stringify(results)).not.toContain(fake.token);
  });

  it("uses the given application id", async () => {
    const results = await discordDoctorCheck({ token: fake.token, apiUrl: fake.apiUrl, applicationId: "42" });
    expect(new URL(results.at(-1)!.detail).searchParams.get("client_id")).toBe("42");
  });

  it("prints the recommended shard count and warns when fewer shards are configured", async () => {
    const big = await FakeDiscord.start({ recommendedShards: 4 });
    try {
      const unset = await discordDoctorCheck({ token: big.token, apiUrl: big.apiUrl });
      expect(unset.find((r) => r.name === "discord shards")).toMatchObject({
        status: "warn",
        detail: expect.stringMatching(/recommends 4 shards.*set DISCORD_SHARD_COUNT=4/),
      });
      const enough = await discordDoctorCheck({ token: big.token, apiUrl: big.apiUrl, shardCount: 4 });
      expect(enough.find((r) => r.name === "discord shards")).toMatchObject({ status: "ok" });
    } finally {
      await big.close();
    }
  });

  it("fails when the intent is off in the portal but asked for, naming DISCORD_MESSAGE_CONTENT=false", async () => {
    const results = await discordDoctorCheck({ token: noContent.token, apiUrl: noContent.apiUrl });
    expect(results.find((r) => r.name === "discord intents")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/off in the Developer Portal.*set DISCORD_MESSAGE_CONTENT=false/),
    });
  });

  it("says nothing against the intent when DISCORD_MESSAGE_CONTENT is already false", async () => {
    const results = await discordDoctorCheck({
      token: noContent.token,
      apiUrl: noContent.apiUrl,
      messageContent: false,
    });
    expect(results.find((r) => r.name === "discord intents")).toEqual({
      name: "discord intents",
      status: "ok",
      detail:
        "Message Content intent not requested (DISCORD_MESSAGE_CONTENT=false): the bot reads mentions, DMs, slash commands and buttons",
    });
  });

  it("fails on a rejected token without printing it", async () => {
    const token = "wrong-token-value.secret";
    const results = await discordDoctorCheck({ token, apiUrl: fake.apiUrl });
    expect(results[0]).toMatchObject({ name: "discord token", status: "fail" });
    expect(results[0]!.detail).toMatch(/401.*DISCORD_TOKEN/);
    expect(results[1]).toMatchObject({ status: "skip" });
    expect(JSON.stringify(results)).not.toContain(token);
  });

  it("fails when the API cannot be reached", async () => {
    const results = await discordDoctorCheck({ token: fake.token, apiUrl: "http://127.0.0.1:9/api" });
    expect(results[0]).toMatchObject({ status: "fail" });
    expect(results[0]!.detail).toMatch(/could not reach the Discord API at http:\/\/127\.0\.0\.1:9\/api/);
  });
});
