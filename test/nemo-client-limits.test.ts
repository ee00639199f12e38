import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryStore } from "../src/core/kv-store.js";
import { NemoClient } from "../src/core/nemo/client.js";
import { collect, rejection, textOf } from "./helpers/nemo-fixtures.js";

// A hand-written loopback backend: it writes exactly the bytes a test needs (event sizes, chunk splits).
let server: Server | undefined;
let client: NemoClient | undefined;
afterEach(async () => {
  await client?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
  client = undefined;
});

async function backend(
  handle: (path: string, res: ServerResponse) => void | Promise<void>,
): Promise<NemoClient> {
  server = createServer((req, res) => {
    req.resume();
    req.once("end", () => void handle(req.url ?? "", res));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  client = new NemoClient({
    apiUrl: `http://127.0.0.1:${port}`,
    webUrl: "https://web.example",
    token: "nmv_test_token",
    store: new MemoryStore(),
    retries: 0,
    maxEventBytes: 1024,
    timeoutMs: 300,
  });
  return client;
}

const ctx = { platform: "console" as const };
const textEvent = (content: string) => `data: ${JSON.stringify({ type: "text", content })}\n\n`;

describe("bounded buffers", () => {
  it("skips and counts an SSE event larger than the cap, in one chunk or across many, and goes on", async () => {
    const nemo = await backend(async (_path, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(textEvent("before "));
      // Oversized, in one piece (dispatched whole by the parser).
      res.write(textEvent("x".repeat(5_000)));
      // Oversized, trickled in small chunks, its blank line split across two writes.
      const big = `data: ${JSON.stringify({ type: "text", content: "y".repeat(5_000) })}\n`;
      // Each piece is handed to the socket, then the loop turns once, so the client reads it on its own.
      const flush = (piece: string) =>
        new Promise((resolve) => res.write(piece, () => setImmediate(resolve)));
      for (let i = 0; i < big.length; i += 700) await flush(big.slice(i, i + 700));
      res.write("\n");
      res.write(textEvent("after"));
      res.end();
    });
    const stream = nemo.sendMessage(ctx, "s1", "hello");
    const events = await collect(stream);
    expect(textOf(events)).toBe("before after");
    expect(stream.stats.oversized).toBe(2);
  });

  it("decodes a character whose UTF-8 bytes arrive in two reads", async () => {
    const nemo = await backend(async (_path, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const bytes = Buffer.from(textEvent("视频 ready 🎬"));
      // Split inside 视 (3 bytes) and inside 🎬 (4 bytes); each piece is read on its own.
      const cuts = [bytes.indexOf(Buffer.from("视")) + 1, bytes.indexOf(Buffer.from("🎬")) + 2];
      const flush = (piece: Buffer) =>
        new Promise((resolve) => res.write(piece, () => setImmediate(resolve)));
      await flush(bytes.subarray(0, cuts[0]));
      await flush(bytes.subarray(cuts[0], cuts[1]));
      await flush(bytes.subarray(cuts[1]));
      res.end();
    });
    expect(textOf(await collect(nemo.sendMessage(ctx, "s1", "hello")))).toBe("视频 ready 🎬");
  });

  it("bounds a whole JSON call (headers and body) by its timeout", async () => {
    const nemo = await backend((_path, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      // A body that trickles forever: each piece resets a per-read timeout, the whole-call deadline still ends it.
      const timer = setInterval(() => res.write(" "), 50);
      res.once("close", () => clearInterval(timer));
    });
    const error = await rejection(nemo.credits(ctx));
    expect(error.code).toBe("NEMO_UNAVAILABLE");
    // Ended by the whole-call deadline (its signal's TimeoutError), not by a per-read timeout.
    expect(error.cause).toMatchObject({ name: "TimeoutError" });
  });

  it("stops a backend call on the caller's signal", async () => {
    const nemo = await backend(() => undefined);
    const controller = new AbortController();
    const pending = rejection(nemo.state({ ...ctx, signal: controller.signal }, "s1"));
    controller.abort();
    expect((await pending).code).toBe("NEMO_ABORTED");
  });
});
