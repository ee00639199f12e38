import { describe, expect, it } from "vitest";
import { SecretBox } from "../src/core/secret-box.js";

const KEY = `${"k".repeat(16)}0123456789abcdef0123`;

describe("SecretBox (AES-256-GCM, SECRETS_KEY)", () => {
  it("opens what it sealed, with a fresh IV each time and nothing readable in between", () => {
    const box = new SecretBox(KEY);
    const token = "xoxb-123-456-secret-token";
    const a = box.encrypt(token);
    const b = box.encrypt(token);
    expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("xoxb");
    expect(box.decrypt(a)).toBe(token);
    expect(box.decrypt(b)).toBe(token);
  });

  it("refuses a value sealed with another key or altered", () => {
    const sealed = new SecretBox(KEY).encrypt("xoxb-secret");
    expect(() => new SecretBox(`${KEY}-other`).decrypt(sealed)).toThrow();
    const bytes = Buffer.from(sealed.slice(3), "base64");
    bytes[bytes.length - 1]! ^= 1;
    expect(() => new SecretBox(KEY).decrypt(`v1:${bytes.toString("base64")}`)).toThrow();
    expect(() => new SecretBox(KEY).decrypt("plain")).toThrow(/not a sealed secret/);
  });

  it("needs a key of at least 32 characters", () => {
    expect(() => new SecretBox("short")).toThrow(/32 characters/);
  });
});
