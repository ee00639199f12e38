import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/** Version tag of the sealed format (`v1:` + base64 of iv ‖ auth tag ‖ ciphertext). */
const VERSION = "v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Strings encrypted at rest with AES-256-GCM (`SECRETS_KEY`): Slack installations (bot and refresh
 * tokens) and users' own NemoVideo tokens in Redis. The 256-bit key is derived from the secret with
 * HKDF-SHA-256, so any long random string works (`openssl rand -base64 32`, or 64 hex characters).
 * Every sealed value has its own random 96-bit IV; the GCM tag makes a tampered value or a wrong key
 * fail to open instead of yielding garbage. `associated` binds a value to its owner: a value sealed for
 * one owner does not open as another's.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (secret.length < 32) throw new TypeError("SECRETS_KEY must be at least 32 characters");
    this.key = Buffer.from(hkdfSync("sha256", secret, "nemo-video-bot", "secret-box v1", 32));
  }

  /** `plain` sealed: `v1:<base64>`; a new IV each call, so equal inputs give different outputs. */
  encrypt(plain: string, associated = ""): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(associated, "utf8"));
    const sealed = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return `${VERSION}${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64")}`;
  }

  /** The string {@link encrypt} sealed; throws when it was sealed with another key, owner, or altered. */
  decrypt(sealed: string, associated = ""): string {
    if (!sealed.startsWith(VERSION)) throw new TypeError("not a sealed secret");
    const bytes = Buffer.from(sealed.slice(VERSION.length), "base64");
    const iv = bytes.subarray(0, IV_BYTES);
    const tag = bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv("aes-256-gcm", this.key, iv);
    decipher.setAAD(Buffer.from(associated, "utf8"));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      "utf8",
    );
  }

  /** Like {@link encrypt}. */
  seal(plain: string, associated = ""): string {
    return this.encrypt(plain, associated);
  }

  /** Like {@link decrypt}, but undefined instead of an error when the value does not open. */
  open(sealed: string, associated = ""): string | undefined {
    try {
      return this.decrypt(sealed, associated);
    } catch {
      return undefined;
    }
  }
}
