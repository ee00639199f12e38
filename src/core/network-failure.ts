/** The ways a connection to another server fails, each named for an operator. */
export type NetworkFailureKind = "DNS" | "refused" | "TLS" | "timeout" | "reset" | "unreachable";

export interface NetworkFailure {
  kind: NetworkFailureKind;
  /** The system or library code (`ENOTFOUND`, `ECONNREFUSED`, `CERT_HAS_EXPIRED`, `UND_ERR_CONNECT_TIMEOUT`…). */
  code: string;
  /** One line for logs and the doctor: what failed, where, and the code. Never a URL's query or a secret. */
  description: string;
}

const MAX_DEPTH = 6;

const KIND_BY_CODE: Record<string, NetworkFailureKind> = {
  ENOTFOUND: "DNS",
  EAI_AGAIN: "DNS",
  EAI_FAIL: "DNS",
  EAI_NONAME: "DNS",
  ECONNREFUSED: "refused",
  ETIMEDOUT: "timeout",
  ESOCKETTIMEDOUT: "timeout",
  UND_ERR_CONNECT_TIMEOUT: "timeout",
  UND_ERR_HEADERS_TIMEOUT: "timeout",
  UND_ERR_BODY_TIMEOUT: "timeout",
  ECONNRESET: "reset",
  EPIPE: "reset",
  UND_ERR_SOCKET: "reset",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  EHOSTDOWN: "unreachable",
  ENETDOWN: "unreachable",
  EPROTO: "TLS",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS",
  UNABLE_TO_GET_ISSUER_CERT: "TLS",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "TLS",
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS",
  SELF_SIGNED_CERT_IN_CHAIN: "TLS",
};

function kindOf(code: string): NetworkFailureKind | undefined {
  const known = KIND_BY_CODE[code];
  if (known) return known;
  if (code.startsWith("CERT_") || code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_")) return "TLS";
  return undefined;
}

type Fields = Record<string, unknown>;

/** Every object of the error's `cause` chain (also Slack's `original`), outermost first. */
function chain(error: unknown): Fields[] {
  const links: Fields[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < MAX_DEPTH && typeof current === "object" && current !== null; depth++) {
    const fields = current as Fields;
    if (links.includes(fields)) break;
    links.push(fields);
    current = fields.cause ?? fields.original;
  }
  return links;
}

function where(fields: Fields): string {
  if (typeof fields.hostname === "string") return fields.hostname;
  if (typeof fields.host === "string") return fields.host;
  if (typeof fields.address === "string") {
    return typeof fields.port === "number" ? `${fields.address}:${fields.port}` : fields.address;
  }
  return "";
}

function describe(kind: NetworkFailureKind, code: string, fields: Fields): string {
  const at = where(fields);
  const message = typeof fields.message === "string" ? fields.message : code;
  switch (kind) {
    case "DNS":
      return `DNS: cannot resolve ${at || "the host"} (${code})`;
    case "refused":
      return `refused: nothing accepts connections at ${at || "the address"} (${code})`;
    case "TLS":
      return `TLS: ${message} (${code})`;
    case "timeout":
      return `timeout: ${message} (${code})`;
    case "reset":
      return `reset: the connection was closed mid-request (${code})`;
    case "unreachable":
      return `unreachable: no network route to ${at || "the host"} (${code})`;
  }
}

/**
 * The network failure somewhere in the error's cause chain (undici's `fetch failed` → `ENOTFOUND`,
 * Slack's request error → its original), or undefined when the failure is not one of reaching a server.
 * Reads fields only: errors cross process boundaries as plain objects.
 */
export function networkFailure(error: unknown): NetworkFailure | undefined {
  for (const fields of chain(error)) {
    const code = fields.code;
    if (typeof code === "string") {
      const kind = kindOf(code);
      if (kind) return { kind, code, description: describe(kind, code, fields) };
    }
    if (fields.name === "TimeoutError") {
      return {
        kind: "timeout",
        code: "TimeoutError",
        description: "timeout: no answer in time (TimeoutError)",
      };
    }
  }
  return undefined;
}

/**
 * One line naming the real cause of any failure: the network failure when there is one, else the
 * messages of the cause chain ("A request error occurred: fetch failed: …") without repeats.
 */
export function describeFailure(error: unknown): string {
  const network = networkFailure(error);
  if (network) return network.description;
  const messages: string[] = [];
  for (const fields of chain(error)) {
    const message = typeof fields.message === "string" ? fields.message : undefined;
    if (message && !messages.some((seen) => seen.includes(message))) messages.push(message);
  }
  if (messages.length > 0) return messages.join(": ");
  return String(error);
}
