import type { Platform } from "./types.js";

/** What a task link is made of. There is deliberately no token here: links end up in chat channels. */
export interface TaskLinkOptions {
  /** `NEMO_WEB_URL`; a trailing slash or a path prefix is fine. */
  webUrl: string;
  taskId: string;
  sessionId: string;
  /** Attribution, as sent in `X-Skill-Source`, `X-Skill-Version`, `X-Skill-Platform`. */
  source: string;
  version: string;
  platform: Platform;
}

/** Path of the web app's registration page that links an anonymous user's work through `?bind=`. */
export const REGISTER_PATH = "register";

const CLAIM_PATH = "workspace/claim";

/**
 * Link to the task in the web app:
 * `<webUrl>/workspace/claim?task=<taskId>&session=<sessionId>&source=…&version=…&platform=…`.
 * Throws if any part looks like a credential (an `nmv_` value, a bearer value, a `token` key, URL userinfo).
 */
export function taskLink(options: TaskLinkOptions): string {
  const url = pageUrl(options.webUrl, CLAIM_PATH);
  url.searchParams.set("task", required(options.taskId, "taskId"));
  url.searchParams.set("session", required(options.sessionId, "sessionId"));
  url.searchParams.set("source", options.source);
  url.searchParams.set("version", options.version);
  url.searchParams.set("platform", options.platform);
  return checked(url);
}

/**
 * Registration link for an anonymous user who ran out of credits (backend code 2001):
 * `<webUrl>/register?bind=<bindId>`, so the work done so far is bound to the new account.
 * Throws like {@link taskLink} if the id looks like a credential.
 */
export function bindLink(webUrl: string, bindId: string): string {
  const url = pageUrl(webUrl, REGISTER_PATH);
  url.searchParams.set("bind", required(bindId, "bindId"));
  return checked(url);
}

/** `page` under the base URL's path; the base's own query and fragment are dropped. */
function pageUrl(webUrl: string, page: string): URL {
  let url: URL;
  try {
    url = new URL(webUrl);
  } catch {
    throw new TypeError("web URL is not a valid absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new TypeError("web URL must be http(s)");
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/${page}`;
  url.search = "";
  url.hash = "";
  return url;
}

function required(value: string, name: string): string {
  if (value.trim() === "") throw new TypeError(`${name} is empty`);
  return value;
}

const TOKEN_LIKE = /nmv_|^bearer\s/i;

// The message never includes the offending value: it is probably a secret and errors get logged.
function checked(url: URL): string {
  const leak =
    url.username !== "" ||
    url.password !== "" ||
    TOKEN_LIKE.test(decodeURIComponentSafe(url.pathname)) ||
    [...url.searchParams].some(([key, value]) => /token/i.test(key) || TOKEN_LIKE.test(value));
  if (leak) throw new Error("refusing to build a web link that carries a token");
  return url.href;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
