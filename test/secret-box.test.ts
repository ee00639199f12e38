import { createCipheriv, hkdfSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretBox } from "../src/core/secret-box.js";

const KEY = `${"k".repeat(16)}0123456789abcdef0123`;
const OLD = `${"o".repeat(16)}0123456789abcdef0123`;
const OTHER = `${"x".repeat(16)}0123456789abcdef0123`;

/** A value in the first sealed format (`v1:`, no key id), as versions before key rotation wrote it. */
function sealV1(secret: string, plain: string, associated = ""): string {
  const key = Buffer.from(hkdfSync("sha256", secret, "nemo-video-bot", "secret-box v1", 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(associated, "utf8"));
  const sealed = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64")}`;
}

describe("SecretBox (AES-256-GCM, SECRETS_KEY)", () => {
  it("opens what it sealed, with a fresh IV each time, the key id in the value and nothing readable", () => {
    const box = new SecretBox(KEY);
    const token = "xoxb-123-456-secret-token";
    const a = box.encrypt(token);
    const b = box.encrypt(token);
    expect(a).toMatch(new RegExp(`^v2:${box.keyId}:[\\w-]+:[\\w-]+:[\\w-]+$`));
    expect(box.keyId).toMatch(/^[0-9a-f]{8}$/);
    expect(new SecretBox(OTHER).keyId).not.toBe(box.keyId);
    expect(a).not.toBe(b);
    expect(a).not.toContain("xoxb");
    expect(box.decrypt(a)).toBe(token);
    expect(box.decrypt(b)).toBe(token);
    expect(box.isCurrent(a)).toBe(true);
  });

  it("refuses a value sealed with another key, for another owner, or altered", () => {
    const sealed = new SecretBox(KEY).encrypt("xoxb-secret", "slack-installation:T1");
    expect(() => new SecretBox(OTHER).decrypt(sealed, "slack-installation:T1")).toThrow(/unknown-key/);
    expect(() => new SecretBox(KEY).decrypt(sealed, "slack-installation:T2")).toThrow(/rejected/);
    const parts = sealed.split(":");
    const body = Buffer.from(parts[4]!, "base64url");
    body[0]! ^= 1;
    parts[4] = body.toString("base64url");
    expect(() => new SecretBox(KEY).decrypt(parts.join(":"), "slack-installation:T1")).toThrow(/rejected/);
    expect(() => new SecretBox(KEY).decrypt("plain")).toThrow(/not a sealed secret/);
    expect(new SecretBox(KEY).open("plain")).toBeUndefined();
  });

  it("opens values sealed under a previous key, and seals only under the current one", () => {
    const old = new SecretBox(OLD).seal("nmv_old", "discord:U1");
    const rotated = new SecretBox(KEY, { previous: [OTHER, OLD] });
    expect(rotated.open(old, "discord:U1")).toBe("nmv_old");
    expect(rotated.isCurrent(old)).toBe(false);
    expect(rotated.isCurrent(rotated.seal("nmv_old", "discord:U1"))).toBe(true);
    // Without the previous key: unreadable, reported with its kind.
    const reported: string[] = [];
    const alone = new SecretBox(KEY, { onUnreadable: (kind, reason) => reported.push(`${kind}/${reason}`) });
    expect(alone.open(old, "discord:U1", "account")).toBeUndefined();
    expect(reported).toEqual(["account/unknown-key"]);
  });

  it("still opens values of the first format (no key id) with the current or a previous key", () => {
    const v1 = sealV1(OLD, "xoxb-legacy", "owner");
    expect(new SecretBox(OLD).decrypt(v1, "owner")).toBe("xoxb-legacy");
    expect(new SecretBox(KEY, { previous: [OLD] }).decrypt(v1, "owner")).toBe("xoxb-legacy");
    expect(new SecretBox(KEY, { previous: [OLD] }).isCurrent(v1)).toBe(false);
    expect(() => new SecretBox(KEY).decrypt(v1, "owner")).toThrow(/rejected/);
    expect(() => new SecretBox(OLD).decrypt(v1, "someone-else")).toThrow(/rejected/);
  });

  it("needs keys of at least 32 characters", () => {
    expect(() => new SecretBox("short")).toThrow(/32 characters/);
    expect(() => new SecretBox(KEY, { previous: ["short"] })).toThrow(/32 characters/);
  });
});
