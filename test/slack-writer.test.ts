import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackWriter } from "../src/adapters/slack/outbound/slack-writer.js";
import { isPlatformError, isRequestError, slackErrorCode } from "../src/adapters/slack/web-api/api-errors.js";
import { silentLogger } from "../src/core/logger.js";

let server: Server;
let apiUrl: string;
const received: { url: string; headers: IncomingMessage["headers"]; body: string }[] = [];
let reply: (res: ServerResponse) => void;
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() });
      reply(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  apiUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/api/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const writer = (maxRateLimitWaitMs = 60_000) =>
  new SlackWriter({ token: "xoxb-w", apiUrl, maxRateLimitWaitMs, logger: silentLogger() });
const json = (body: unknown) => (res: ServerResponse) =>
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));

describe("the messenger's Slack writer", () => {
  it("posts the method's arguments as JSON (unset fields left out) with the bot token", async () => {
    reply = json({ ok: true, ts: "1.2" });
    const result = await writer().call("chat.postMessage", {
      channel: "C1",
      thread_ts: undefined,
      text: "a & b",
      blocks: [{ type: "section" }],
      unfurl_links: false,
    });
    expect(result).toEqual({ ok: true, ts: "1.2" });
    const sent = received.at(-1)!;
    expect(sent.url).toBe("/api/chat.postMessage");
    expect(sent.headers.authorization).toBe("Bearer xoxb-w");
    expect(sent.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(sent.body)).toEqual({
      channel: "C1",
      text: "a & b",
      blocks: [{ type: "section" }],
      unfurl_links: false,
    });
  });

  it("sends a read method's arguments as a form (structures as JSON, unset fields left out)", async () => {
    reply = json({ ok: true, user: { id: "U1" } });
    await writer().call(
      "users.info",
      { user: "U1", include_locale: true, extra: { a: 1 }, none: undefined },
      "form",
    );
    const sent = received.at(-1)!;
    expect(sent.url).toBe("/api/users.info");
    expect(sent.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({
      user: "U1",
      include_locale: "true",
      extra: '{"a":1}',
    });
  });

  it("rejects ok: false as a platform error, another status as an HTTP error", async () => {
    reply = json({ ok: false, error: "message_not_found" });
    const refused = await writer()
      .call("chat.update", { ts: "9" })
      .catch((error: unknown) => error);
    expect(isPlatformError(refused)).toBe(true);
    expect(slackErrorCode(refused)).toBe("message_not_found");
    reply = (res) => res.writeHead(503).end("busy");
    await expect(writer().call("chat.update", {})).rejects.toMatchObject({
      code: "slack_webapi_http_error",
      statusCode: 503,
    });
  });

  it("waits out a short rate limit and sends again; refuses a longer one, and one that lasts", async () => {
    let limited = 1;
    reply = (res) =>
      limited-- > 0 ? res.writeHead(429, { "retry-after": "0" }).end() : json({ ok: true, ts: "3" })(res);
    const before = received.length;
    expect((await writer().call("chat.update", {})).ts).toBe("3");
    expect(received.length - before).toBe(2);
    reply = (res) => res.writeHead(429, { "retry-after": "30" }).end();
    await expect(writer(10_000).call("chat.update", {})).rejects.toMatchObject({
      code: "RATE_LIMITED",
      retryAfterMs: 30_000,
    });
    reply = (res) => res.writeHead(429, { "retry-after": "0" }).end();
    const tries = received.length;
    await expect(writer().call("chat.update", {})).rejects.toMatchObject({ code: "RATE_LIMITED" });
    expect(received.length - tries).toBe(4);
  });

  it("wraps a transport failure as a request error carrying the original", async () => {
    const closed = new SlackWriter({
      token: "xoxb-w",
      apiUrl: "http://127.0.0.1:1/api/",
      maxRateLimitWaitMs: 0,
      logger: silentLogger(),
    });
    const error = await closed.call("chat.update", {}).catch((failure: unknown) => failure);
    expect(isRequestError(error)).toBe(true);
    expect(error).toMatchObject({ original: { code: "ECONNREFUSED" } });
  });
});
