import { createHash, randomInt } from "node:crypto";

/**
 * A continue code: 10 characters of an alphabet without look-alikes (no 0/O, 1/I/L, U), 30 symbols,
 * so 30^10 ≈ 5.9 × 10^14 codes (≈ 49 bits) — besides the guess throttle per member and the 15 minutes
 * a code lives. Shown as `ABCDE-FGHJK`; typed in any case, with or without the dash or spaces.
 */
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_LENGTH = 10;

/** A fresh code from a cryptographic source, shown as two groups (`ABCDE-FGHJK`). */
export function newMoveCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, CODE_LENGTH / 2)}-${code.slice(CODE_LENGTH / 2)}`;
}

/** The code as typed, upper-cased, without dashes or spaces; undefined when it cannot be a code. */
function normalized(typed: string): string | undefined {
  const plain = typed.normalize("NFKC").toUpperCase().replace(/[\s-]/g, "");
  return plain.length === CODE_LENGTH && [...plain].every((char) => ALPHABET.includes(char))
    ? plain
    : undefined;
}

/** The prefix of a code's hash as the intake queues it: the code itself never reaches a queue. */
const HASHED = "sha256:";

/**
 * The SHA-256 of a typed code (normalized), as `sha256:<hex>`: what the intake queues and the store
 * keys by. A typed argument that is no code hashes to a value no code has.
 */
export function hashMoveCode(typed: string): string {
  const plain = normalized(typed) ?? `not-a-code:${typed}`;
  return `${HASHED}${createHash("sha256").update(plain).digest("hex")}`;
}

/** The hex digest of a hashed code argument, or undefined when the argument is not one. */
export function moveCodeDigest(arg: string | undefined): string | undefined {
  return arg?.startsWith(HASHED) && /^[0-9a-f]{64}$/.test(arg.slice(HASHED.length))
    ? arg.slice(HASHED.length)
    : undefined;
}
