import { randomBytes, randomUUID } from "node:crypto";

/** `prefix` + url-safe random characters. */
export function randomToken(prefix: string, bytes = 18): string {
  return `${prefix}${randomBytes(bytes).toString("base64url")}`;
}

export function uuid(): string {
  return randomUUID();
}
