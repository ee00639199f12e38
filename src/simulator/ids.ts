import { randomBytes, randomInt, randomUUID } from "node:crypto";

/** A long numeric id (19 digits, no leading zero), as the backend's session ids. */
export function numericId(): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < 19) digits += String(randomInt(0, 10));
  return digits;
}

/** `prefix` + url-safe random characters. */
export function randomToken(prefix: string, bytes = 18): string {
  return `${prefix}${randomBytes(bytes).toString("base64url")}`;
}

export function uuid(): string {
  return randomUUID();
}
