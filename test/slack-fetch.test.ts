import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackFetch } from "../src/adapters/slack/web-api/slack-fetch.js";

/** A server that answers each request with what `reply` says, and records what it was sent. */
let server: Server;
let url: string;
const received: { method: string; headers: IncomingMessage["headers"]; body: string }[] = [];
let reply: (res: import("node:http").ServerResponse) => void;
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      reply(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/api/chat.update`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("the messenger's fetch for @slack/web-api", () => {
  it("sends the request as given and answers with its status, headers and body", async () => {
    reply = (res) =>
      res
        .writeHead(200, { "content-type": "application/json", "x-oauth-scopes": "chat:write, files:write" })
        .end('{"ok":true,"ts":"1.2"}');
    const response = await slackFetch(60_000)(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: "Bearer xoxb-1" },
      body: "channel=C1&text=hi",
    });
    expect(received.at(-1)).toMatchObject({
      method: "POST",
      body: "channel=C1&text=hi",
      headers: { authorization: "Bearer xoxb-1", "content-type": "application/x-www-form-urlencoded" },
    });
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.url).toBe(url);
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(response.headers.get("x-accepted-oauth-scopes")).toBeNull();
    expect(Object.fromEntries(response.headers.entries())).toMatchObject({
      "x-oauth-scopes": "chat:write, files:write",
    });
    expect(await response.text()).toBe('{"ok":true,"ts":"1.2"}');
    expect(await response.json()).toEqual({ ok: true, ts: "1.2" });
    expect(new TextDecoder().decode(await response.arrayBuffer())).toBe('{"ok":true,"ts":"1.2"}');
  });

  it("hands a 429 within its bound to the client, and refuses a longer one as RATE_LIMITED", async () => {
    reply = (res) => res.writeHead(429, { "retry-after": "5" }).end();
    const waited = await slackFetch(10_000)(url, { method: "POST", body: "" });
    expect(waited.status).toBe(429);
    expect(waited.headers.get("retry-after")).toBe("5");
    await expect(slackFetch(1_000)(url, { method: "POST", body: "" })).rejects.toMatchObject({
      code: "RATE_LIMITED",
      retryAfterMs: 5_000,
    });
  });

  it("gives up with the caller's reason when the caller aborts", async () => {
    reply = () => undefined; // never answers
    const caller = new AbortController();
    const call = slackFetch(60_000)(url, { method: "POST", body: "x", signal: caller.signal });
    caller.abort(new DOMException("gone", "TimeoutError"));
    await expect(call).rejects.toMatchObject({ name: "TimeoutError" });
  });
});
