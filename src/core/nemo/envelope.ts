import {
  NemoAuthError,
  NemoBadRequestError,
  NemoExportBlockedError,
  NemoFileTooLargeError,
  NemoOutOfCreditsError,
  NemoRateLimitedError,
  NemoRequestError,
  NemoSessionNotFoundError,
  NemoUnsupportedFileError,
} from "./errors.js";
import { bindLink } from "./task-link.js";
import { ACCEPTED_EXTENSIONS } from "./upload-rules.js";

interface Envelope {
  code?: unknown;
  message?: unknown;
  msg?: unknown;
  data?: unknown;
  success?: unknown;
  error?: unknown;
}

/**
 * Turns an answer's status and JSON into its data, or throws its typed error. `bindBase` is the web app
 * that registration links point to; undefined for a registered (operator) account, which tops up
 * instead of registering.
 */
export type Unwrapper = (
  status: number,
  json: unknown,
  bindBase: string | undefined,
) => Record<string, unknown>;

/** Unwraps `{"code":0,"data":…}`; any other code (or status) becomes its typed error. */
export const unwrapEnvelope: Unwrapper = (status, json, bindBase) => {
  const envelope = (json ?? {}) as Envelope;
  if (codeOf(envelope) === 0 && status < 400) return isRecord(envelope.data) ? envelope.data : {};
  throw errorFor(status, envelope, bindBase);
};

/** Unwraps the render endpoints' `{"success":true,…}` / `{"success":false,"error":…}` form. */
export const unwrapRender: Unwrapper = (status, json, bindBase) => {
  const envelope = (json ?? {}) as Envelope;
  const succeeded = envelope.success === true || (envelope.success === undefined && envelope.code === 0);
  if (status < 400 && succeeded) return envelope as Record<string, unknown>;
  throw errorFor(status, envelope, bindBase);
};

function codeOf(envelope: Envelope): number | undefined {
  return typeof envelope.code === "number" ? envelope.code : undefined;
}

function errorFor(status: number, envelope: Envelope, bindBase: string | undefined): Error {
  const code = codeOf(envelope);
  const text =
    messageOf(envelope) ?? `backend answered HTTP ${status}${code === undefined ? "" : ` code ${code}`}`;
  const details = { status, ...(code === undefined ? {} : { backendCode: code }) };
  switch (code ?? status) {
    case 1001:
    case 401:
      return new NemoAuthError(text, false, details);
    case 1002:
      return new NemoSessionNotFoundError(text, details);
    case 2001: {
      const bindId = findBindId(envelope.data);
      return new NemoOutOfCreditsError(
        text,
        bindId,
        bindId && bindBase ? bindLink(bindBase, bindId) : undefined,
        details,
      );
    }
    case 4001:
      return new NemoUnsupportedFileError(text, ACCEPTED_EXTENSIONS, details);
    case 4002:
      return new NemoFileTooLargeError(text, undefined, details);
    case 402:
      return new NemoExportBlockedError(text, details);
    case 429:
      return new NemoRateLimitedError(text, details);
    case 400:
      return new NemoBadRequestError(text, details);
    default:
      return new NemoRequestError(text, details);
  }
}

function messageOf(envelope: Envelope): string | undefined {
  for (const value of [envelope.error, envelope.message, envelope.msg]) {
    if (typeof value === "string" && value) return value;
  }
  return undefined;
}

function findBindId(data: unknown): string | undefined {
  if (!isRecord(data)) return undefined;
  for (const key of ["bind_id", "bindId", "bind", "user_id"]) {
    const value = data[key];
    if (typeof value === "string" || typeof value === "number") return String(value);
  }
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
