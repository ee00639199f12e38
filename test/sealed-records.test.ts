import { createCipheriv, hkdfSync, randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  RedisInstallationStore,
  type SlackInstallation,
} from "../src/adapters/slack/setup/installation-store.js";
import { installationRedis } from "../src/app/installation-redis.js";
import { ProjectLinks } from "../src/conversation/exports/project-links.js";
import { errorReply } from "../src/core/conversation/replies.js";
import { silentLogger } from "../src/core/logger.js";
import { SecretBox } from "../src/core/secret-box.js";
import { AccountStore } from "../src/store/account-store.js";
import { Keys } from "../src/store/keys.js";
import { RedisKeyValueStore } from "../src/store/redis-key-value-store.js";
import { ReplyAddresses } from "../src/store/reply-addresses.js";
import { SealedRecords } from "../src/store/sealed-records.js";
import { CliProcess } from "./helpers/cli-process.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
const KEY = randomBytes(32).toString("hex");
const OLD = randomBytes(32).toString("hex");
let client: Redis;

beforeAll(() => {
  client = new Redis(redis.url);
});
afterAll(() => client?.disconnect());

/** A value in the first sealed format (`v1:`, no key id, no owner), as versions before rotation wrote it. */
function sealV1(secret: string, plain: string): string {
  const key = Buffer.from(hkdfSync("sha256", secret, "nemo-video-bot", "secret-box v1", 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.alloc(0));
  const sealed = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64")}`;
}

const installation = (team: string): SlackInstallation =>
  ({
    team: { id: team },
    enterprise: undefined,
    isEnterpriseInstall: false,
    bot: { token: `xoxb-${team}-secret`, userId: "UBOT", id: "BBOT", scopes: [] },
  }) as unknown as SlackInstallation;

const freshKeys = () => new Keys(`s${randomUUID().slice(0, 8)}`);

describe("sealed records are bound to what they belong to", () => {
  it("an installation sealed for workspace T1 does not open as T2's, in either format", async () => {
    const keys = freshKeys();
    const store = new RedisInstallationStore(installationRedis(client), keys.bull, new SecretBox(KEY));
    await store.storeInstallation(installation("T1"));
    expect((await store.find("T1"))?.bot?.token).toBe("xoxb-T1-secret");
    const copied = (await client.get(store.key("T1")))!;
    expect(copied).toMatch(/^v2:/);
    expect(copied).not.toContain("xoxb");
    await client.set(store.key("T2"), copied);
    await expect(store.find("T2")).rejects.toMatchObject({
      code: "SECRET_UNREADABLE",
      kind: "slack-installation",
    });
    // The first format had no owner in the value: the installation inside must be the workspace's own.
    await client.set(store.key("T3"), sealV1(KEY, JSON.stringify(installation("T1"))));
    await expect(store.find("T3")).rejects.toMatchObject({ code: "SECRET_UNREADABLE" });
    await client.set(store.key("T1"), sealV1(KEY, JSON.stringify(installation("T1"))));
    expect((await store.find("T1"))?.bot?.token).toBe("xoxb-T1-secret");
    // The survey counts the copies as unreadable, the legacy value as one to re-seal.
    const report = await new SealedRecords(client, keys, new SecretBox(KEY)).survey();
    expect(report["slack-installation"]).toEqual({ current: 0, old: 1, unreadable: 2 });
  });

  it("a linked account opens only as its member's", async () => {
    const keys = freshKeys();
    const accounts = new AccountStore(client, keys, new SecretBox(KEY));
    await accounts.save("slack:U1", "nmv_usr_member_one_secret");
    const sealed = await client.hget(keys.account("slack:U1"), "sealed");
    await client.hset(keys.account("slack:U2"), { sealed: sealed!, masked: "nmv_••••cret", savedAt: "1" });
    expect(await accounts.token("slack:U1")).toBe("nmv_usr_member_one_secret");
    await expect(accounts.token("slack:U2")).rejects.toMatchObject({ code: "SECRET_UNREADABLE" });
    expect(await accounts.info("slack:U2")).toMatchObject({ masked: "nmv_••••cret", readable: false });
    expect(await accounts.info("slack:U1")).toMatchObject({ readable: true });
  });

  it("a project link of an account no key opens says so to its owner (not an internal error)", async () => {
    const keys = freshKeys();
    await new AccountStore(client, keys, new SecretBox(OLD)).save("slack:U1", "nmv_usr_member_one_secret");
    const reference = { refKey: "slack:T1:C1:1.2", sessionId: "s1", taskId: "t1", account: "slack:U1" };
    const links = new ProjectLinks({
      mode: "private",
      claims: { link: async () => "https://nemovideo.com/workspace/claim?ct=clm_never" },
      references: { save: async () => undefined, read: async () => reference },
      permission: { mayGetClaimLink: async () => true, recipient: async () => "U1" },
      accounts: new AccountStore(client, keys, new SecretBox(KEY)),
      messengers: {},
      outbox: { post: async () => "m1" },
      logger: silentLogger(),
    });
    const failure = await links.freshFor("e1", { id: "U1" }, "en").catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "NEMO_AUTH", userToken: true, accountUnreadable: true });
    expect(errorReply(failure, "en").text).toContain("can no longer be read by the bot");
  });
});

describe("upgrading from values of the first format and from the clear", () => {
  it("old values open with the current or a previous key, and reseal moves each kind to the current key", async () => {
    const keys = freshKeys();
    const box = new SecretBox(KEY, { previous: [OLD] });
    await client.set(keys.slackInstallation("T1"), sealV1(OLD, JSON.stringify(installation("T1"))));
    await client.set(`${keys.slackInstallation("T1")}:refreshing`, "12345");
    // The anonymous token as versions before sealing left it: in the clear.
    const anonymous = JSON.stringify({ token: "anon-secret-token", expiresAt: Date.now() + 3_600_000 });
    await client.set(keys.kv("nemo:anonymous-token"), anonymous);
    await client.set(keys.kv("nemo:client-id"), "client-1");
    await new ReplyAddresses(client, keys, new SecretBox(OLD)).keep(
      "ev1",
      "interaction:1:secret-interaction",
    );
    const kv = new RedisKeyValueStore(client, keys, box);
    expect(await kv.get("nemo:anonymous-token")).toBe(anonymous);

    const records = new SealedRecords(client, keys, box);
    const resealed = await records.reseal();
    expect(resealed["slack-installation"]).toEqual({ current: 0, old: 1, unreadable: 0 });
    expect(resealed["anonymous-token"]).toEqual({ current: 0, old: 1, unreadable: 0 });
    expect(resealed["reply-address"]).toEqual({ current: 0, old: 1, unreadable: 0 });
    const again = await records.survey();
    expect(again["slack-installation"]).toEqual({ current: 1, old: 0, unreadable: 0 });
    expect(again["anonymous-token"]).toEqual({ current: 1, old: 0, unreadable: 0 });

    // Now under the current key alone: still readable; TTLs kept; nothing in the clear; the client id untouched.
    const current = new SecretBox(KEY);
    const store = new RedisInstallationStore(installationRedis(client), keys.bull, current);
    expect((await store.find("T1"))?.bot?.token).toBe("xoxb-T1-secret");
    expect(await new RedisKeyValueStore(client, keys, current).get("nemo:anonymous-token")).toBe(anonymous);
    expect(await new ReplyAddresses(client, keys, current).read("ev1")).toBe(
      "interaction:1:secret-interaction",
    );
    expect(await client.ttl(keys.replyAddress("ev1"))).toBeGreaterThan(0);
    expect(await client.get(keys.kv("nemo:anonymous-token"))).not.toContain("anon-secret-token");
    expect(await client.get(keys.kv("nemo:client-id"))).toBe("client-1");
    expect(await client.get(`${keys.slackInstallation("T1")}:refreshing`)).toBe("12345");
  });

  it("an anonymous token no key opens reads as absent (a new one is fetched), and is counted unreadable", async () => {
    const keys = freshKeys();
    await new RedisKeyValueStore(client, keys, new SecretBox(OLD)).set("nemo:anonymous-token", "{}");
    const kv = new RedisKeyValueStore(client, keys, new SecretBox(KEY));
    expect(await kv.get("nemo:anonymous-token")).toBeUndefined();
    const report = await new SealedRecords(client, keys, new SecretBox(KEY)).survey();
    expect(report["anonymous-token"]).toEqual({ current: 0, old: 0, unreadable: 1 });
  });
});

describe("nemo-video-bot secrets (the real CLI)", () => {
  it("`secrets status` counts, `secrets reseal` re-seals and prints counts per kind", async () => {
    const keys = freshKeys();
    const accounts = new AccountStore(client, keys, new SecretBox(OLD));
    await accounts.save("discord:U1", "nmv_usr_cli_member_secret");
    const env = {
      REDIS_URL: redis.url,
      KEY_PREFIX: keys.prefix,
      SECRETS_KEY: KEY,
      SECRETS_KEY_PREVIOUS: OLD,
    };
    const run = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
      const cli = new CliProcess(args, { ...env, ...extra });
      const { code } = await cli.exited;
      return { code, out: cli.stdout + cli.stderr };
    };
    const status = await run(["secrets", "status"]);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/account\s+under an old key 1, already current 0, unreadable 0/);
    const reseal = await run(["secrets", "reseal"]);
    expect(reseal.code).toBe(0);
    expect(reseal.out).toMatch(/account\s+resealed 1, already current 0, unreadable 0/);
    expect(await new AccountStore(client, keys, new SecretBox(KEY)).token("discord:U1")).toBe(
      "nmv_usr_cli_member_secret",
    );
    // With a key that opens nothing: counted unreadable, exit 1; nothing is overwritten.
    const other = randomBytes(32).toString("hex");
    const refused = await run(["secrets", "reseal"], { SECRETS_KEY: other, SECRETS_KEY_PREVIOUS: "" });
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/account\s+resealed 0, already current 0, unreadable 1/);
    expect(await new AccountStore(client, keys, new SecretBox(KEY)).token("discord:U1")).toBe(
      "nmv_usr_cli_member_secret",
    );
    expect((await run(["secrets"])).code).toBe(2);
  }, 60_000);
});
