/** Polls `predicate` every 10 ms until it holds; rejects after `timeoutMs` naming `what`. */
export async function eventually(
  predicate: () => boolean,
  timeoutMs = 10_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
