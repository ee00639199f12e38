/** Path of the web app's registration page that links an anonymous user's work through `?bind=`. */
export const REGISTER_PATH = "register";

const CLAIM_PATH = "workspace/claim";

/**
 * "Open in NemoVideo": `<webUrl>/workspace/claim?ct=<claimToken>` (a `clm_…` claim token that opens one
 * project in a browser and grants no API access). Throws if any part looks like an API token (an `nmv_`
 * value, a bearer value, a `token` key, URL userinfo).
 */
export function claimLink(webUrl: string, claimToken: string): string {
  const url = pageUrl(webUrl, CLAIM_PATH);
  url.searchParams.set("ct", required(claimToken, "claimToken"));
  return checked(url);
}

/**
 * Registration link for an anonymous user who ran out of credits (backend code 2001):
 * `<webUrl>/register?bind=<bindId>`, so the work done so far is bound to the new account.
 * Throws like {@link claimLink} if the id looks like a credential.
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
