/**
 * Safe readers for Slack payloads. Bolt's types describe what Slack *should* send; these read what it
 * did send, so a missing or odd field becomes `undefined` instead of a crash.
 */

/** A JSON object, or undefined when the value is not one. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A non-empty string field of an object. */
export function str(value: unknown, key: string): string | undefined {
  const field = record(value)?.[key];
  return typeof field === "string" && field !== "" ? field : undefined;
}

/** A number field of an object. */
export function num(value: unknown, key: string): number | undefined {
  const field = record(value)?.[key];
  return typeof field === "number" && Number.isFinite(field) ? field : undefined;
}

/** An object field of an object. */
export function obj(value: unknown, key: string): Record<string, unknown> | undefined {
  return record(record(value)?.[key]);
}

/** An array field of an object (empty when absent). */
export function list(value: unknown, key: string): unknown[] {
  const field = record(value)?.[key];
  return Array.isArray(field) ? field : [];
}

/** Slack's DM channel ids start with `D`; DMs have no channel-level thread of their own. */
export function isDirectMessageChannel(channel: string): boolean {
  return channel.startsWith("D");
}
