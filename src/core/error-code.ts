/**
 * Reading what an error carries without trusting its class: errors cross process boundaries (job
 * data, worker threads) as plain objects, so callers match on the stable `code`, never on `instanceof`.
 */

/** A property of an error-like value, whatever its class; undefined for anything else. */
export function errorField(error: unknown, name: string): unknown {
  if (typeof error !== "object" || error === null) return undefined;
  return (error as Record<string, unknown>)[name];
}

/** The error's string `code` (ours such as `NEMO_AUTH`, Node's such as `ECONNREFUSED`, a library's). */
export function errorCode(error: unknown): string | undefined {
  const code = errorField(error, "code");
  return typeof code === "string" ? code : undefined;
}

/** The first string `code` along the error's `cause` chain that `accept` takes, at most `depth` links deep. */
export function causeCode(
  error: unknown,
  accept: (code: string) => boolean = () => true,
  depth = 4,
): string | undefined {
  let current = error;
  for (let level = 0; level < depth && current !== undefined; level++) {
    const code = errorCode(current);
    if (code !== undefined && accept(code)) return code;
    current = errorField(current, "cause");
  }
  return undefined;
}
