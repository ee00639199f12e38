/**
 * A field Bolt types as `any` or leaves out (a block action's `container`, a message subtype's
 * `bot_id`), read as a non-empty string or undefined.
 */
export function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
