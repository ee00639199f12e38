import { ACCEPTED_EXTENSIONS } from "../nemo/upload-rules.js";
import { failureCode } from "./failure-code.js";
import type { Lang } from "./language.js";
import type { ReplyLink } from "./reply.js";
import { type TextKey, text } from "./texts.js";

/** What to tell the user about a failure: a text and, for some errors, one link. */
export interface ErrorReply {
  text: string;
  link?: ReplyLink;
}

type Fields = Record<string, unknown>;

const MAX_CAUSE_DEPTH = 5;
const MIB = 1024 * 1024;

/**
 * The first object in the error's `cause` chain whose `code` is a NemoVideo code (`NEMO_…`). Errors cross
 * process boundaries as plain objects, so this reads fields and never uses `instanceof`.
 */
function findCoded(error: unknown): Fields | undefined {
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH; depth++) {
    if (typeof current !== "object" || current === null) return undefined;
    const fields = current as Fields;
    if (typeof fields.code === "string" && fields.code.startsWith("NEMO_")) return fields;
    current = fields.cause;
  }
  return undefined;
}

/** Only plain extensions are shown; anything else in `accepted` is ignored rather than echoed to the chat. */
function acceptedList(accepted: unknown, lang: Lang): string {
  const fromError = Array.isArray(accepted)
    ? accepted.filter((ext): ext is string => typeof ext === "string" && /^\.?[a-z0-9]{1,8}$/i.test(ext))
    : [];
  const list = fromError.length > 0 ? fromError : [...ACCEPTED_EXTENSIONS];
  return list.map((ext) => ext.replace(/^\./, "").toLowerCase()).join(lang === "zh-CN" ? "、" : ", ");
}

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? value : undefined;
  } catch {
    return undefined;
  }
}

function keyFor(code: string, fields: Fields): TextKey {
  switch (code) {
    case "NEMO_AUTH":
      if (fields.accountUnreadable === true) return "error_account_unreadable";
      if (fields.userToken === true) return "error_auth_user";
      return fields.operatorToken === true ? "error_auth_operator" : "error_auth";
    case "NEMO_SESSION_NOT_FOUND":
      return "error_session_not_found";
    case "NEMO_EXPORT_BLOCKED":
      return "error_export_blocked";
    case "NEMO_RATE_LIMITED":
      return "error_rate_limited";
    case "NEMO_UNAVAILABLE":
      return "error_unavailable";
    case "NEMO_STREAM_TIMEOUT":
    case "NEMO_HEARTBEAT_TIMEOUT":
      return "error_stream_timeout";
    case "NEMO_STREAM_DROPPED":
      return "error_stream_dropped";
    case "NEMO_BAD_REQUEST":
      return "error_bad_request";
    case "NEMO_REQUEST_FAILED":
      return "error_request_failed";
    case "NEMO_ABORTED":
      return "error_aborted";
    case "NEMO_DOWNLOAD_REFUSED":
      return "error_download_refused";
    case "NEMO_DOWNLOAD_FAILED":
      return "error_download_failed";
    default:
      return "internal_error";
  }
}

/**
 * The one mapping from any thrown error to what the user reads, in their language. Matches on `code`
 * (also on a `cause` of a wrapping error), so plain objects from a job queue work too. The error's own
 * message is never shown: it may carry internals or secrets. Unknown errors → `internal_error`.
 *
 * Streams that time out or drop normally go to recovery first; their texts here are for when recovery
 * is impossible.
 */
export function errorText(error: unknown, lang: Lang): ErrorReply {
  const fields = findCoded(error);
  if (!fields) return { text: text(lang, "internal_error") };
  const code = fields.code as string;

  if (code === "NEMO_OUT_OF_CREDITS") {
    // The shared anonymous account's bind link is the operator's (logged by the client), never a chat's.
    if (fields.bindUrl !== undefined) {
      return { text: text(lang, "error_out_of_credits_shared") };
    }
    const billing = httpUrl(fields.billingUrl);
    if (!billing) return { text: text(lang, "error_out_of_credits") };
    return {
      text: text(lang, "error_out_of_credits"),
      link: { label: text(lang, "link_billing"), url: billing },
    };
  }
  if (code === "NEMO_REFUSED") {
    const status = typeof fields.status === "number" ? fields.status : "?";
    return { text: text(lang, "error_refused", { status }) };
  }
  if (code === "NEMO_UNSUPPORTED_FILE") {
    return { text: text(lang, "error_unsupported_file", { accepted: acceptedList(fields.accepted, lang) }) };
  }
  if (code === "NEMO_FILE_TOO_LARGE") {
    const maxBytes = fields.maxBytes;
    if (typeof maxBytes !== "number" || !Number.isFinite(maxBytes) || maxBytes <= 0) {
      return { text: text(lang, "error_file_too_large") };
    }
    return {
      text: text(lang, "error_file_too_large_limit", { maxMb: Math.max(1, Math.round(maxBytes / MIB)) }),
    };
  }
  return { text: text(lang, keyFor(code, fields)) };
}

/**
 * {@link errorText} followed by the failure's short code ("… (code E-DNS)"): what chats show, so the
 * operator finds the same code in the log line of the failure (failure-code.ts) and in the docs.
 */
export function errorTextWithCode(error: unknown, lang: Lang): ErrorReply {
  const reply = errorText(error, lang);
  return { ...reply, text: text(lang, "error_with_code", { message: reply.text, code: failureCode(error) }) };
}
