import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { types } from "@slack/bolt";
import { errorCode } from "../../../core/error-code.js";
import type { Logger } from "../../../core/logger.js";
import { errorText } from "../web-api/api-errors.js";
import { takeEvent } from "./events.js";
import type { EventEnvelope } from "./person-message.js";
import type { ScopedContext } from "./request-scope.js";

/** The envelope of an `app_mention` or `message` event, as far as this lane reads it. */
type EventCallback = EventEnvelope & {
  type: "event_callback";
  event: types.AppMentionEvent | types.MessageEvent;
  authorizations?: { team_id?: string | null; is_enterprise_install?: boolean }[];
};

/** Takes a POST to the events path, or hands it to `bolt`. */
export type SignedEventLane = (req: IncomingMessage, res: ServerResponse, bolt: () => void) => void;

/** Bolt's limits: its body limit and its replay window (a request older than 5 minutes is refused). */
const BODY_LIMIT = 4 * 1024 * 1024;
const MAX_AGE_SECONDS = 5 * 60;

/**
 * The events path without Bolt for what nearly every request is: a signed `event_callback` carrying
 * an `app_mention` or a `message` of the one workspace whose scope every request so far ran in. Its
 * signature is checked once (one HMAC, `timingSafeEqual`), its body parsed once, and the event goes
 * to the same listener code Bolt runs ({@link takeEvent}); Slack is answered 200 once it is queued,
 * 500 when it could not be (Slack sends it again). Anything else — another content type, a signature
 * or timestamp this lane does not accept, `url_verification`, other events, another workspace — goes
 * to `bolt` unchanged, its body already read (`rawBody`, which Bolt's HTTP receiver reads instead of
 * the stream), so Bolt verifies and answers it as before (401, 400, 413, challenges…).
 */
export function signedEventLane(signingSecret: string, ctx: ScopedContext, logger: Logger): SignedEventLane {
  return (req, res, bolt) => {
    const length = Number(req.headers["content-length"]);
    if (req.headers["content-type"] !== "application/json" || !(length <= BODY_LIMIT)) return bolt();
    readBody(req, length, (body) => {
      if (!body) {
        res.writeHead(400).end();
        return;
      }
      const event = signedEvent(req, body, signingSecret, ctx);
      if (!event) {
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
        return bolt();
      }
      takeEvent(ctx, event.event, event).then(
        () => res.writeHead(200).end(),
        (error: unknown) => {
          logger.warn({ code: errorCode(error), err: errorText(error) }, "slack-listener-error");
          res.writeHead(500).end();
        },
      );
    });
  };
}

/** The request's body once it has ended (`expected` bytes at most), or undefined when the stream fails. */
function readBody(req: IncomingMessage, expected: number, done: (body: Buffer | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (body: Buffer | undefined) => {
    if (finished) return;
    finished = true;
    done(body);
  };
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= expected) chunks.push(chunk);
  });
  req.on("end", () =>
    finish(size === expected ? (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)) : undefined),
  );
  req.on("error", () => finish(undefined));
}

/** The envelope when the request is one this lane takes (see {@link signedEventLane}), else undefined. */
function signedEvent(
  req: IncomingMessage,
  body: Buffer,
  signingSecret: string,
  ctx: ScopedContext,
): EventCallback | undefined {
  if (!validSignature(req, body, signingSecret)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString());
  } catch {
    return undefined;
  }
  const envelope = parsed as Partial<EventCallback> | null;
  const type = envelope?.event?.type;
  if (envelope?.type !== "event_callback" || (type !== "app_mention" && type !== "message")) return undefined;
  // The workspace Bolt would authorize it for (its first authorization's team, not an org-wide install).
  const authorization = Array.isArray(envelope.authorizations) ? envelope.authorizations[0] : undefined;
  const team = authorization?.team_id;
  if (authorization?.is_enterprise_install || typeof team !== "string" || !ctx.isSole(team)) return undefined;
  return envelope as EventCallback;
}

/** Slack's `v0` signature over `v0:<timestamp>:<body>`, of a request at most 5 minutes old. */
function validSignature(req: IncomingMessage, body: Buffer, signingSecret: string): boolean {
  const timestamp = req.headers["x-slack-request-timestamp"];
  const signature = req.headers["x-slack-signature"];
  if (typeof timestamp !== "string" || typeof signature !== "string" || !signature.startsWith("v0="))
    return false;
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || seconds < Math.floor(Date.now() / 1000) - MAX_AGE_SECONDS) return false;
  const given = Buffer.from(signature.slice(3), "hex");
  const expected = createHmac("sha256", signingSecret).update(`v0:${timestamp}:`).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
