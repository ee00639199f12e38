/**
 * The string `code` an error carries, if any: ours (`NEMO_…`, `MESSAGE_GONE`, …) or Node's (`EADDRINUSE`,
 * `ERR_MODULE_NOT_FOUND`, …).
 */
export function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined;
}
