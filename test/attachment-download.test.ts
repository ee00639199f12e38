import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AttachmentSourceOptions,
  attachmentRead,
} from "../src/conversation/uploads/attachment-source.js";
import type { Attachment } from "../src/core/conversation/inbound.js";
import { TEST_TLS, trustingDispatcher } from "./fakes/tls/test-tls.js";

/** What the fake file host received, and whether it could send its whole answer. */
interface Received {
  path: string;
  authorization: string | undefined;
  /** The response was cut off by the client before it finished. */
  cut: boolean;
}

type Route = (req: IncomingMessage, res: ServerResponse) => void;

const received: Received[] = [];
const routes = new Map<string, Route>();
let httpBase: string;
let httpsBase: string;
let trustingAgent: Agent;
const servers: { close(callback: () => void): void; closeAllConnections(): void }[] = [];

function handler(req: IncomingMessage, res: ServerResponse): void {
  const entry: Received = { path: req.url ?? "", authorization: req.headers.authorization, cut: false };
  received.push(entry);
  res.on("close", () => {
    entry.cut = !res.writableFinished;
  });
  const route = routes.get(new URL(req.url ?? "/", "http://x").pathname);
  if (route) {
    route(req, res);
    return;
  }
  res.writeHead(200, { "content-type": "video/mp4" }).end(Buffer.alloc(1_000, 1));
}

const MB = 1024 * 1024;
const base = (overrides: Partial<AttachmentSourceOptions> = {}): AttachmentSourceOptions => ({
  extraHosts: ["127.0.0.1"],
  botAuthorization: async ({ platform }) => (platform === "slack" ? "Bearer xoxb-test-secret" : undefined),
  allowLocalFiles: false,
  timeouts: { headersMs: 5_000, idleMs: 5_000, totalMs: 20_000 },
  dispatcher: trustingAgent,
  ...overrides,
});

const file = (url: string, extra: Partial<Attachment> = {}): Attachment => ({
  name: "clip.mp4",
  contentType: "video/mp4",
  url,
  auth: "none",
  ...extra,
});

/** Reads the attachment to the end; resolves with the byte count or the error it failed with. */
async function readAll(
  attachment: Attachment,
  options: AttachmentSourceOptions,
  context: { maxBytes: number; signal?: AbortSignal },
): Promise<{ bytes?: number; error?: { code?: string; message: string } }> {
  try {
    const read = attachmentRead(attachment, { platform: "slack", workspace: "T1" }, options, context);
    if (read.kind !== "stream") throw new Error(`expected a stream, got ${read.kind}`);
    let bytes = 0;
    for await (const chunk of read.open()) bytes += chunk.byteLength;
    return { bytes };
  } catch (error) {
    return { error: error as { code?: string; message: string } };
  }
}

const lastFor = (path: string) => received.filter((entry) => entry.path === path).at(-1);

beforeAll(async () => {
  trustingAgent = trustingDispatcher();
  const plain = createHttpServer(handler);
  const secure = createHttpsServer(TEST_TLS, handler);
  servers.push(plain, secure);
  await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => secure.listen(0, "127.0.0.1", resolve));
  httpBase = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  httpsBase = `https://127.0.0.1:${(secure.address() as AddressInfo).port}`;

  // ?mb=N megabytes in 64 KB pieces (with backpressure), no Content-Length: only the streamed count can stop it.
  routes.set("/chunked", (req, res) => {
    const pieces = Number(new URL(req.url ?? "/", "http://x").searchParams.get("mb") ?? 2) * 16;
    res.writeHead(200, { "content-type": "video/mp4" });
    let sent = 0;
    const more = () => {
      while (sent < pieces) {
        sent++;
        if (!res.write(Buffer.alloc(64 * 1024, 1))) return void res.once("drain", more);
      }
      res.end();
    };
    more();
  });
  routes.set("/declared-2mb", (_req, res) => {
    res.writeHead(200, { "content-type": "video/mp4", "content-length": String(2 * MB) });
    res.write(Buffer.alloc(1_000, 1));
    // The rest never comes: the client must refuse on the header alone.
  });
  routes.set("/no-headers", () => {
    // Accepts the request and never answers.
  });
  routes.set("/stalls", (_req, res) => {
    res.writeHead(200, { "content-type": "video/mp4" });
    res.write(Buffer.alloc(1_000, 1));
  });
  routes.set("/trickle", (_req, res) => {
    res.writeHead(200, { "content-type": "video/mp4" });
    const timer = setInterval(() => res.write(Buffer.alloc(10, 1)), 50);
    res.on("close", () => clearInterval(timer));
  });
  routes.set("/missing", (_req, res) => {
    res.writeHead(404).end("no such file");
  });
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await trustingAgent.close();
});

describe("attachment downloads", () => {
  it("sends the bot token to an allowed host over https", async () => {
    const result = await readAll(
      file(`${httpsBase}/private/a.mp4`, { auth: "bot-token", size: 1_000 }),
      base(),
      {
        maxBytes: MB,
      },
    );
    expect(result).toEqual({ bytes: 1_000 });
    expect(lastFor("/private/a.mp4")?.authorization).toBe("Bearer xoxb-test-secret");
  });

  it("asks for the token of the workspace the file belongs to, and refuses when it has none", async () => {
    const asked: string[] = [];
    const perWorkspace = base({
      botAuthorization: async ({ workspace }) => {
        asked.push(workspace);
        return workspace === "TALPHA" ? "Bearer xoxb-alpha" : undefined;
      },
    });
    const private1 = file(`${httpsBase}/private/w1.mp4`, { auth: "bot-token", size: 1_000 });
    const read = attachmentRead(private1, { platform: "slack", workspace: "TALPHA" }, perWorkspace, {
      maxBytes: MB,
    });
    // Nothing is asked before the download starts (the worker resolves it then).
    expect(asked).toEqual([]);
    if (read.kind !== "stream") throw new Error("expected a stream");
    let bytes = 0;
    for await (const chunk of read.open()) bytes += chunk.byteLength;
    expect(bytes).toBe(1_000);
    expect(lastFor("/private/w1.mp4")?.authorization).toBe("Bearer xoxb-alpha");

    const before = received.length;
    const other = attachmentRead(
      file(`${httpsBase}/private/w2.mp4`, { auth: "bot-token", size: 1_000 }),
      { platform: "slack", workspace: "TGONE" },
      perWorkspace,
      { maxBytes: MB },
    );
    if (other.kind !== "stream") throw new Error("expected a stream");
    await expect(
      (async () => {
        for await (const _ of other.open());
      })(),
    ).rejects.toMatchObject({ code: "NEMO_DOWNLOAD_REFUSED" });
    expect(asked).toEqual(["TALPHA", "TGONE"]);
    // Refused before any request: no download without the workspace's own token.
    expect(received.length).toBe(before);
  });

  it("sends no Authorization header to an http host in DOWNLOAD_HOSTS", async () => {
    const result = await readAll(file(`${httpBase}/public/b.mp4`, { size: 1_000 }), base(), { maxBytes: MB });
    expect(result).toEqual({ bytes: 1_000 });
    const entry = lastFor("/public/b.mp4");
    expect(entry).toBeDefined();
    expect(entry?.authorization).toBeUndefined();
  });

  it("refuses a file that needs the token over http, before any request", async () => {
    const before = received.length;
    const result = await readAll(file(`${httpBase}/private/c.mp4`, { auth: "bot-token" }), base(), {
      maxBytes: MB,
    });
    expect(result.error?.code).toBe("NEMO_DOWNLOAD_REFUSED");
    expect(received.length).toBe(before);
  });

  it("refuses hosts outside the allowlist and other schemes, before any request", async () => {
    const before = received.length;
    const outside = await readAll(file(`${httpBase}/d.mp4`), base({ extraHosts: [] }), { maxBytes: MB });
    const ftp = await readAll(file("ftp://127.0.0.1/e.mp4"), base(), { maxBytes: MB });
    const local = await readAll(file("file:///etc/hostname"), base({ allowLocalFiles: true }), {
      maxBytes: MB,
    });
    expect([outside, ftp, local].map((result) => result.error?.code)).toEqual([
      "NEMO_DOWNLOAD_REFUSED",
      "NEMO_DOWNLOAD_REFUSED",
      "NEMO_DOWNLOAD_REFUSED",
    ]);
    expect(received.length).toBe(before);
  });

  it("refuses on a Content-Length over the cap without reading the body", async () => {
    const result = await readAll(file(`${httpBase}/declared-2mb`), base(), { maxBytes: MB });
    expect(result.error?.code).toBe("NEMO_FILE_TOO_LARGE");
    expect((result.error as { maxBytes?: number }).maxBytes).toBe(MB);
  });

  it("stops a stream as soon as it goes past the cap, and drops the connection", async () => {
    // 64 MB: more than loopback buffers hold, so the host is still sending when the client hangs up.
    const result = await readAll(file(`${httpBase}/chunked?mb=64`), base(), { maxBytes: MB });
    expect(result.error?.code).toBe("NEMO_FILE_TOO_LARGE");
    await expect.poll(() => lastFor("/chunked?mb=64")?.cut).toBe(true);
  });

  it("stops a stream longer than its declared size (the declared size lied)", async () => {
    const result = await readAll(file(`${httpBase}/chunked?mb=2`, { size: 100_000 }), base(), {
      maxBytes: 10 * MB,
    });
    expect(result.error?.code).toBe("NEMO_DOWNLOAD_FAILED");
    expect(result.error?.message).toMatch(/declared/);
  });

  it("gives up when the host sends no headers, pauses too long, or takes too long overall", async () => {
    const fast = (timeouts: Partial<AttachmentSourceOptions["timeouts"]>) =>
      base({ timeouts: { headersMs: 60_000, idleMs: 60_000, totalMs: 60_000, ...timeouts } });
    const headers = await readAll(file(`${httpBase}/no-headers`), fast({ headersMs: 300 }), { maxBytes: MB });
    const idle = await readAll(file(`${httpBase}/stalls`), fast({ idleMs: 300 }), { maxBytes: MB });
    const total = await readAll(file(`${httpBase}/trickle`), fast({ totalMs: 500 }), { maxBytes: MB });
    expect([headers, idle, total].map((result) => result.error?.code)).toEqual([
      "NEMO_DOWNLOAD_FAILED",
      "NEMO_DOWNLOAD_FAILED",
      "NEMO_DOWNLOAD_FAILED",
    ]);
    expect(total.error?.message).toMatch(/took over 500 ms/);
  });

  it("stops on the job's signal", async () => {
    const controller = new AbortController();
    const reading = readAll(file(`${httpBase}/stalls`), base(), { maxBytes: MB, signal: controller.signal });
    await expect.poll(() => lastFor("/stalls") !== undefined).toBe(true);
    controller.abort();
    const result = await reading;
    expect(result.error?.code).toBe("NEMO_ABORTED");
  });

  it("reports an error status as a failed download", async () => {
    const result = await readAll(file(`${httpBase}/missing`), base(), { maxBytes: MB });
    expect(result.error?.code).toBe("NEMO_DOWNLOAD_FAILED");
    expect((result.error as { status?: number }).status).toBe(404);
  });
});
