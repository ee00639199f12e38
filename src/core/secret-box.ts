import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/** The first sealed format (`v1:` + base64 of iv ‖ auth tag ‖ ciphertext), without a key id: still opened. */
const V1 = "v1:";
/** The current format: `v2:<key id>:<iv>:<tag>:<ciphertext>` (base64url parts). */
const V2 = "v2";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Why a sealed value could not be opened. */
export type UnreadableReason = "unknown-key" | "rejected" | "malformed";

/**
 * A sealed value no configured key opens: sealed under a key that is not `SECRETS_KEY` nor in
 * `SECRETS_KEY_PREVIOUS` (`unknown-key`), altered or bound to another owner (`rejected`), or not a
 * sealed value at all (`malformed`). Match on `code`.
 */
export class UnreadableSecretError extends Error {
  readonly code = "SECRET_UNREADABLE";
  constructor(
    /** What the value is (`slack-installation`, `account`, …), for the report. */
    readonly kind: string,
    readonly reason: UnreadableReason,
  ) {
    super(
      reason === "malformed"
        ? `not a sealed secret (${kind})`
        : `sealed ${kind} cannot be opened (${reason})`,
    );
    this.name = "UnreadableSecretError";
  }
}

/** Options of {@link SecretBox}. */
export interface SecretBoxOptions {
  /** `SECRETS_KEY_PREVIOUS`: older keys, used only to open values sealed under them. */
  previous?: readonly string[] | undefined;
  /** Told of every value that did not open (the app logs it once per kind). */
  onUnreadable?: ((kind: string, reason: UnreadableReason) => void) | undefined;
}

interface BoxKey {
  id: string;
  key: Buffer;
}

function boxKey(secret: string): BoxKey {
  if (secret.length < 32) throw new TypeError("SECRETS_KEY must be at least 32 characters");
  const key = Buffer.from(hkdfSync("sha256", secret, "nemo-video-bot", "secret-box v1", 32));
  // The key id is derived separately: it names the key without telling anything about it.
  const id = Buffer.from(hkdfSync("sha256", secret, "nemo-video-bot", "secret-box key id", 4)).toString(
    "hex",
  );
  return { id, key };
}

function openWith(key: Buffer, iv: Buffer, tag: Buffer, sealed: Buffer, associated: string): string {
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(Buffer.from(associated, "utf8"));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed), decipher.final()]).toString("utf8");
}

/**
 * Strings encrypted at rest with AES-256-GCM (`SECRETS_KEY`): Slack installations, users' own NemoVideo
 * tokens, the shared account's anonymous token and the private reply addresses of commands. The 256-bit
 * key is derived from the secret with HKDF-SHA-256, so any long random string works
 * (`openssl rand -base64 32`). Every sealed value has its own random 96-bit IV and names the key that
 * sealed it (a short id derived from the key), so keys rotate: values are sealed under the current key
 * and opened with whichever configured key (current or `SECRETS_KEY_PREVIOUS`) sealed them; values of
 * the first format (`v1:`, no key id) are tried with every key. The GCM tag makes a tampered value or a
 * wrong key fail to open instead of yielding garbage; `associated` binds a value to its owner: a value
 * sealed for one owner does not open as another's.
 */
export class SecretBox {
  /** The id of the current key, written into every value sealed now. */
  readonly keyId: string;
  private readonly current: BoxKey;
  private readonly keys: BoxKey[];

  constructor(
    secret: string,
    private readonly options: SecretBoxOptions = {},
  ) {
    this.current = boxKey(secret);
    this.keyId = this.current.id;
    this.keys = [this.current, ...(options.previous ?? []).map(boxKey)];
  }

  /** Whether `value` looks like a sealed value (of any format). */
  static isSealed(value: string): boolean {
    return value.startsWith(V1) || value.startsWith(`${V2}:`);
  }

  /** `plain` sealed under the current key: `v2:<key id>:…`; a new IV each call, so equal inputs differ. */
  encrypt(plain: string, associated = ""): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.current.key, iv);
    cipher.setAAD(Buffer.from(associated, "utf8"));
    const sealed = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), sealed].map((part) => part.toString("base64url"));
    return [V2, this.current.id, ...parts].join(":");
  }

  /**
   * The string {@link encrypt} sealed; throws {@link UnreadableSecretError} when no configured key opens
   * it for this owner (another key, owner, or altered). `kind` names the value in the error and report.
   */
  decrypt(sealed: string, associated = "", kind = "secret"): string {
    try {
      return this.decryptOrThrow(sealed, associated, kind);
    } catch (error) {
      const unreadable =
        error instanceof UnreadableSecretError ? error : new UnreadableSecretError(kind, "rejected");
      this.options.onUnreadable?.(unreadable.kind, unreadable.reason);
      throw unreadable;
    }
  }

  /** Like {@link encrypt}. */
  seal(plain: string, associated = ""): string {
    return this.encrypt(plain, associated);
  }

  /** Like {@link decrypt}, but undefined instead of an error when the value does not open. */
  open(sealed: string, associated = "", kind = "secret"): string | undefined {
    try {
      return this.decrypt(sealed, associated, kind);
    } catch {
      return undefined;
    }
  }

  /** Whether `sealed` is already in the current format under the current key (nothing to re-seal). */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`${V2}:${this.current.id}:`);
  }

  private decryptOrThrow(sealed: string, associated: string, kind: string): string {
    if (sealed.startsWith(V1)) {
      const bytes = Buffer.from(sealed.slice(V1.length), "base64");
      const iv = bytes.subarray(0, IV_BYTES);
      const tag = bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
      const body = bytes.subarray(IV_BYTES + TAG_BYTES);
      for (const { key } of this.keys) {
        try {
          return openWith(key, iv, tag, body, associated);
        } catch {
          // The next key may be the one.
        }
      }
      throw new UnreadableSecretError(kind, "rejected");
    }
    const [version, id, iv, tag, body, ...rest] = sealed.split(":");
    if (version !== V2 || !id || !iv || !tag || body === undefined || rest.length > 0)
      throw new UnreadableSecretError(kind, "malformed");
    const key = this.keys.find((candidate) => candidate.id === id);
    if (!key) throw new UnreadableSecretError(kind, "unknown-key");
    const bytes = [iv, tag, body].map((part) => Buffer.from(part, "base64url")) as [Buffer, Buffer, Buffer];
    return openWith(key.key, ...bytes, associated);
  }
}
