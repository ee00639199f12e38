import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/config.js";
import { likelyGenerates, looksLikeToken, routeInbound } from "../src/core/conversation/router.js";
import { SecretBox } from "../src/core/secret-box.js";
import { maskToken } from "../src/store/account-store.js";

const HEX_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

describe("SECRETS_KEY and the secret box", () => {
  it("needs at least 32 characters (a refusal never echoes the value)", () => {
    expect(() => loadConfig({ SECRETS_KEY: "not-a-key" }, "/nonexistent")).toThrow(/SECRETS_KEY/);
    expect(() => loadConfig({ SECRETS_KEY: "not-a-key" }, "/nonexistent")).not.toThrow(/not-a-key/);
    expect(loadConfig({ SECRETS_KEY: HEX_KEY }, "/nonexistent").SECRETS_KEY).toBe(HEX_KEY);
  });

  it("seals with AES-256-GCM: no plaintext, fresh IV, tampering and another owner's box refused", () => {
    const box = new SecretBox(HEX_KEY);
    const token = "nmv_usr_SecretValue123456";
    const sealed = box.seal(token, "discord:1");
    expect(sealed).not.toContain("SecretValue");
    expect(box.seal(token, "discord:1")).not.toBe(sealed);
    expect(box.open(sealed, "discord:1")).toBe(token);
    expect(box.open(sealed, "discord:2")).toBeUndefined();
    const bytes = Buffer.from(sealed.slice(3), "base64");
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(box.open(`v1:${bytes.toString("base64")}`, "discord:1")).toBeUndefined();
    expect(new SecretBox("another-key-of-at-least-32-characters").open(sealed, "discord:1")).toBeUndefined();
    expect(box.open("garbage", "discord:1")).toBeUndefined();
  });

  it("masks a token to its last four characters", () => {
    expect(maskToken("nmv_usr_abcdefgh1234")).toBe("nmv_••••1234");
    expect(maskToken("nmv_usr_abcdefgh1234")).not.toContain("abcdefgh");
  });
});

describe("routing secrets and likely generations", () => {
  const inbound = (text: string) => ({
    id: "1",
    ref: { platform: "console" as const, workspace: "w", channel: "c", thread: "t" },
    user: { id: "u" },
    text,
    attachments: [],
  });

  it("sends anything that looks like a token to the warning, whatever else it says", () => {
    for (const text of [
      "nmv_usr_abc123def456",
      "use NMV_USR_abc123def456 please",
      "/login nmv_usr_abc123def456",
      "export nmv_usr_abc123def456",
    ]) {
      expect(looksLikeToken(text)).toBe(true);
      expect(routeInbound(inbound(text))).toEqual({ kind: "token_pasted" });
    }
    expect(
      routeInbound({
        ...inbound("caption nmv_usr_abc123def456"),
        attachments: [{ name: "a.mp4", url: "file:///a", auth: "none" }],
      }),
    ).toEqual({ kind: "token_pasted" });
    expect(looksLikeToken("the nmv_ prefix")).toBe(false);
    expect(routeInbound(inbound("/logout"))).toEqual({ kind: "logout" });
    expect(routeInbound(inbound("/whoami"))).toEqual({ kind: "account" });
    expect(routeInbound(inbound("/login"))).toEqual({ kind: "login" });
  });

  it("hints generations, not edits", () => {
    for (const text of [
      "generate a video of a cat",
      "make a video about dogs",
      "create a short clip of rain",
      "生成一个城市夜景视频",
      "帮我做一个视频",
    ]) {
      expect(likelyGenerates(text), text).toBe(true);
    }
    for (const text of ["make the title red", "add music", "trim the first 2 seconds", "把标题改成红色"]) {
      expect(likelyGenerates(text), text).toBe(false);
    }
  });
});
