import { errorCode } from "../error-code.js";
import { describeFailure, type NetworkFailureKind, networkFailure } from "../network-failure.js";

/**
 * Short failure codes: shown in chat after the friendly text, written in the log line of the same
 * failure, listed in docs/troubleshooting-codes.md (a test keeps that list complete).
 */
export const FAILURE_CODES = [
  "E-DNS",
  "E-REFUSED",
  "E-TLS",
  "E-TIMEOUT",
  "E-RESET",
  "E-UNREACHABLE",
  "E-HTTP-<status>",
  "E-UNAVAILABLE",
  "E-AUTH",
  "E-SESSION",
  "E-CREDITS",
  "E-FILE-TYPE",
  "E-FILE-SIZE",
  "E-EXPORT-PLAN",
  "E-RATE-LIMIT",
  "E-BAD-REQUEST",
  "E-BACKEND",
  "E-STREAM-TIMEOUT",
  "E-HEARTBEAT",
  "E-STREAM-DROPPED",
  "E-ABORTED",
  "E-INTERNAL",
] as const;

const BY_NETWORK_KIND: Record<NetworkFailureKind, string> = {
  DNS: "E-DNS",
  refused: "E-REFUSED",
  TLS: "E-TLS",
  timeout: "E-TIMEOUT",
  reset: "E-RESET",
  unreachable: "E-UNREACHABLE",
};

const BY_NEMO_CODE: Record<string, string> = {
  NEMO_AUTH: "E-AUTH",
  NEMO_SESSION_NOT_FOUND: "E-SESSION",
  NEMO_OUT_OF_CREDITS: "E-CREDITS",
  NEMO_UNSUPPORTED_FILE: "E-FILE-TYPE",
  NEMO_FILE_TOO_LARGE: "E-FILE-SIZE",
  NEMO_EXPORT_BLOCKED: "E-EXPORT-PLAN",
  NEMO_RATE_LIMITED: "E-RATE-LIMIT",
  NEMO_BAD_REQUEST: "E-BAD-REQUEST",
  NEMO_REQUEST_FAILED: "E-BACKEND",
  NEMO_STREAM_TIMEOUT: "E-STREAM-TIMEOUT",
  NEMO_HEARTBEAT_TIMEOUT: "E-HEARTBEAT",
  NEMO_STREAM_DROPPED: "E-STREAM-DROPPED",
  NEMO_ABORTED: "E-ABORTED",
};

type Fields = Record<string, unknown>;

/** The outermost `NEMO_…`-coded object of the cause chain (errors cross job queues as plain data). */
function nemoFields(error: unknown): Fields | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === "object" && current !== null; depth++) {
    const fields = current as Fields;
    if (typeof fields.code === "string" && fields.code.startsWith("NEMO_")) return fields;
    current = fields.cause;
  }
  return undefined;
}

/**
 * The short code of a failure. An unreachable backend (or platform) is named by how it failed
 * (`E-DNS`, `E-REFUSED`, `E-TLS`, `E-TIMEOUT`…), a backend 5xx by its status (`E-HTTP-503`), the other
 * backend failures by their kind; anything else is `E-INTERNAL`.
 */
export function failureCode(error: unknown): string {
  const nemo = nemoFields(error);
  const code = nemo?.code as string | undefined;
  if (code === undefined || code === "NEMO_UNAVAILABLE") {
    const network = networkFailure(error);
    if (network) return BY_NETWORK_KIND[network.kind];
    if (code === undefined) return "E-INTERNAL";
    const status = nemo?.status;
    return typeof status === "number" ? `E-HTTP-${status}` : "E-UNAVAILABLE";
  }
  return BY_NEMO_CODE[code] ?? "E-INTERNAL";
}

/**
 * The fields of a failure's log line: `failure` (the code the user saw), `code` (the error's own code)
 * and `cause` (the real cause, e.g. "DNS: cannot resolve api.example.invalid (ENOTFOUND)").
 */
export function failureFields(error: unknown): { failure: string; code: unknown; cause: string } {
  return {
    failure: failureCode(error),
    code: errorCode(error),
    cause: describeFailure(error),
  };
}
