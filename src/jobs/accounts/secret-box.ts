import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12;

/**
 * `SECRETS_KEY` as 32 bytes: 64 hex characters, or base64 (standard or URL-safe) of 32 bytes. Throws
 * a message naming the expected forms (never the value) for anything else.
 */
export function parseSecretsKey(raw: string): Buffer {
  const value = raw.trim();
  const key = /^[0-9a-f]{64}$/i.test(value)
    ? Buffer.from(value, "hex")
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(value)
      ? Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64")
      : undefined;
  if (key?.length !== 32) {
    throw new TypeError("SECRETS_KEY must be 32 bytes: 64 hex characters or 44 base64 characters");
  }
  return key;
}

/**
 * AES-256-GCM for secrets kept at rest (users' own NemoVideo tokens): `v1.<iv>.<tag>.<ciphertext>`,
 * base64url, a fresh random IV each time. `associated` binds a box to its owner (another user's box
 * does not open as theirs).
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new TypeError("a SecretBox key is 32 bytes");
  }

  seal(plain: string, associated = ""): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(associated, "utf8"));
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body]
      .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
      .join(".");
  }

  /** The plain text, or undefined when the box was altered, is not one, or was sealed for someone else. */
  open(sealed: string, associated = ""): string | undefined {
    const [version, iv, tag, body] = sealed.split(".");
    if (version !== VERSION || !iv || !tag || body === undefined) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(associated, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString(
        "utf8",
      );
    } catch {
      return undefined;
    }
  }
}
