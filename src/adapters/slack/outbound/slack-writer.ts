import { stringify } from "node:querystring";
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRequestError } from "@slack/web-api";
import type { Dispatcher } from "undici";
import type { Logger } from "../../../core/logger.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../../../core/package-info.js";
import { rateLimited, retryAfterSeconds, type SlackAnswer, slackRequest } from "../web-api/slack-fetch.js";

/** How often one call waits out a rate limit and tries again before it rejects `RATE_LIMITED`. */
const RATE_LIMIT_RETRIES = 3;

export interface SlackWriterOptions {
  token: string;
  /** The Web API base, ending with `/`. */
  apiUrl: string;
  /** A `Retry-After` up to this long is waited out in place; a longer one rejects `RATE_LIMITED`. */
  maxRateLimitWaitMs: number;
  logger: Logger;
}

export type SlackResult = Record<string, unknown> & { ok: boolean };

type Encoding = "json" | "form";

/**
 * The messenger's posts and edits (`chat.postMessage`, `chat.update`, `chat.postEphemeral`) and its
 * `users.info`: the calls of every turn, thousands at once at peak. `@slack/web-api`'s client costs several times their CPU around
 * the request itself (its queue, its retry loop, debug lines built whether logged or not, copies of the body
 * to redact them, a form body that carries the blocks as JSON again, percent-encoded); these go straight
 * through `undici.request` (as one JSON body where the method takes it), with the client's errors
 * (`WebAPIPlatformError` for `ok: false`, `WebAPIHTTPError`, `WebAPIRequestError` wrapping a transport
 * failure). A 429 is waited out (its `Retry-After`, up to {@link RATE_LIMIT_RETRIES} times) when it is at
 * most `maxRateLimitWaitMs`, else refused at once as `RATE_LIMITED`; nothing was delivered either way.
 */
export class SlackWriter {
  private readonly headers: Record<Encoding, Record<string, string>>;

  constructor(private readonly options: SlackWriterOptions) {
    const common = {
      authorization: `Bearer ${options.token}`,
      "user-agent": `${PACKAGE_NAME}/${PACKAGE_VERSION} node/${process.versions.node}`,
    };
    this.headers = {
      json: { ...common, "content-type": "application/json; charset=utf-8" },
      form: { ...common, "content-type": "application/x-www-form-urlencoded" },
    };
  }

  /**
   * Calls `method`. JSON by default, which the write methods take (a form would carry `blocks` as JSON
   * again, percent-encoded); `form` for a read method (`users.info`), which takes no JSON.
   */
  async call(method: string, params: object, encoding: Encoding = "json"): Promise<SlackResult> {
    const body = encoding === "json" ? JSON.stringify(params) : formBody(params);
    for (let retry = 0; ; retry++) {
      const answer = await this.send(method, body, encoding);
      if (answer.kind === "result") return answer.result;
      const waitMs = answer.retryAfterS * 1000;
      if (waitMs > this.options.maxRateLimitWaitMs || retry >= RATE_LIMIT_RETRIES) {
        throw rateLimited(answer.retryAfterS);
      }
      this.options.logger.info({ retryAfterS: answer.retryAfterS, method }, "slack-rate-limited-waiting");
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }

  private async send(
    method: string,
    body: string,
    encoding: Encoding,
  ): Promise<{ kind: "result"; result: SlackResult } | { kind: "rate-limited"; retryAfterS: number }> {
    let answer: SlackAnswer;
    try {
      answer = await slackRequest(`${this.options.apiUrl}${method}`, {
        method: "POST",
        headers: this.headers[encoding],
        body,
      });
    } catch (error) {
      throw new WebAPIRequestError(error instanceof Error ? error : new Error(String(error)));
    }
    const text = answer.body.toString("utf8");
    if (answer.status === 429) {
      const retryAfterS = retryAfterSeconds(answer.headers);
      if (retryAfterS !== undefined) return { kind: "rate-limited", retryAfterS };
    }
    if (answer.status !== 200)
      throw new WebAPIHTTPError(answer.status, "", flatHeaders(answer.headers), text);
    const result = parseResult(text);
    if (!result.ok) throw new WebAPIPlatformError(result as SlackResult & { error: string });
    return { kind: "result", result };
  }
}

/** A form as `@slack/web-api` sends it: unset fields left out, anything but a scalar as JSON. */
function formBody(params: object): string {
  const fields: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    fields[key] =
      typeof value === "string" || typeof value === "number" || typeof value === "boolean"
        ? value
        : JSON.stringify(value);
  }
  return stringify(fields);
}

function parseResult(text: string): SlackResult {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === "object" && parsed !== null) return parsed as SlackResult;
  } catch {
    // as below
  }
  return { ok: false, error: text };
}

function flatHeaders(headers: Dispatcher.ResponseData["headers"]): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}
