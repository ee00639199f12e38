import { describe, expect, it } from "vitest";
import { discordShards } from "../src/adapters/discord/setup/sharding.js";
import { type ConfigError, loadConfig } from "../src/config/config.js";
import { platformSetup } from "../src/config/platform-setup.js";

const OAUTH = {
  SLACK_CLIENT_ID: "1111.2222",
  SLACK_CLIENT_SECRET: "client-secret",
  SLACK_STATE_SECRET: "state-secret-of-the-tests-4f1c9a7e",
  SLACK_SIGNING_SECRET: "signing-secret",
  SECRETS_KEY: "x".repeat(40),
};
const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe("configuration of Slack distribution and Discord sharding", () => {
  it("starts Slack as a distributed app when the OAuth trio, SECRETS_KEY and the signing secret are set", () => {
    const slack = platformSetup(loadConfig(OAUTH)).find((setup) => setup.platform === "slack");
    expect(slack).toMatchObject({ state: "ready", explanation: expect.stringContaining("/slack/install") });
  });

  it("names what is missing for distribution", () => {
    expect(problems({ SLACK_CLIENT_ID: "1111.2222" })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^SLACK_CLIENT_ID: set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET together/,
        ),
        expect.stringMatching(/^SECRETS_KEY: is required/),
        expect.stringMatching(/^SLACK_SIGNING_SECRET: is required/),
      ]),
    );
    expect(problems({ ...OAUTH, SECRETS_KEY: "too-short" })).toEqual([
      expect.stringMatching(/^SECRETS_KEY: must be at least 32 characters/),
    ]);
  });

  it("validates shard lists against the shard count", () => {
    expect(problems({ DISCORD_SHARDS: "0,1" })).toEqual([
      expect.stringMatching(/^DISCORD_SHARD_COUNT: is required/),
    ]);
    expect(problems({ DISCORD_SHARDS: "0,2", DISCORD_SHARD_COUNT: "2" })).toEqual([
      expect.stringMatching(/^DISCORD_SHARDS: shard ids must be below DISCORD_SHARD_COUNT \(2\)/),
    ]);
    expect(problems({ DISCORD_SHARDS: "zero" })).toEqual([
      expect.stringMatching(/^DISCORD_SHARDS: `auto` or shard ids/),
    ]);
    expect(problems({ DISCORD_SHARDS: "auto" })).toEqual([]);
  });

  it("turns the variables into discord.js shard options", () => {
    expect(discordShards(undefined, undefined)).toEqual({ shards: [0], shardCount: 1 });
    expect(discordShards(undefined, 3)).toEqual({ shards: [0, 1, 2], shardCount: 3 });
    expect(discordShards("auto", undefined)).toEqual({ shards: "auto" });
    expect(discordShards("1, 3", 4)).toEqual({ shards: [1, 3], shardCount: 4 });
  });
});
