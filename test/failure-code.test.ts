import { readFile } from "node:fs/promises";
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { errorTextWithCode } from "../src/core/conversation/error-replies.js";
import { FAILURE_CODES, failureCode, failureFields } from "../src/core/conversation/failure-code.js";
import { text } from "../src/core/conversation/texts.js";
import { NemoAuthError, NemoStreamDroppedError, NemoUnavailableError } from "../src/core/nemo/errors.js";
import { toTransportError } from "../src/core/nemo/http.js";
import { describeFailure, networkFailure } from "../src/core/network-failure.js";
import { freePort } from "./helpers/free-port.js";

/** The error undici really throws for `url`. */
async function failureOf(url: string): Promise<unknown> {
  try {
    await request(url, { headersTimeout: 5_000 });
  } catch (error) {
    return error;
  }
  throw new Error(`${url} answered`);
}

describe("network failures, named", () => {
  it("DNS: a .invalid host", async () => {
    const error = await failureOf("http://nemo-backend.invalid/");
    expect(networkFailure(error)).toMatchObject({ kind: "DNS" });
    expect(describeFailure(error)).toMatch(
      /^DNS: cannot resolve nemo-backend\.invalid \((ENOTFOUND|EAI_AGAIN)\)$/,
    );
  });

  it("refused: a port nothing listens on", async () => {
    const port = await freePort();
    const error = await failureOf(`http://127.0.0.1:${port}/`);
    expect(describeFailure(error)).toBe(
      `refused: nothing accepts connections at 127.0.0.1:${port} (ECONNREFUSED)`,
    );
  });

  it("TLS and timeouts, wrapped as fetch and Slack wrap them", () => {
    const tls = Object.assign(new Error("certificate has expired"), { code: "CERT_HAS_EXPIRED" });
    const fetchFailed = new TypeError("fetch failed", { cause: tls });
    const slack = Object.assign(new Error("A request error occurred: fetch failed"), {
      code: "slack_webapi_request_error",
      original: fetchFailed,
    });
    expect(describeFailure(slack)).toBe("TLS: certificate has expired (CERT_HAS_EXPIRED)");
    const timeout = Object.assign(new Error("Connect Timeout Error"), { code: "UND_ERR_CONNECT_TIMEOUT" });
    expect(networkFailure(new TypeError("fetch failed", { cause: timeout }))?.kind).toBe("timeout");
    expect(networkFailure(new DOMException("signal timed out", "TimeoutError"))?.kind).toBe("timeout");
  });

  it("anything else: the cause chain's messages, without the network name", () => {
    const error = new Error("turn failed", { cause: new Error("boom") });
    expect(networkFailure(error)).toBeUndefined();
    expect(describeFailure(error)).toBe("turn failed: boom");
  });
});

describe("failure codes", () => {
  it("names an unreachable backend by how it failed, a 5xx by its status", async () => {
    const dns = toTransportError(await failureOf("http://nemo-backend.invalid/"));
    expect(failureCode(dns)).toBe("E-DNS");
    const port = await freePort();
    expect(failureCode(toTransportError(await failureOf(`http://127.0.0.1:${port}/`)))).toBe("E-REFUSED");
    expect(failureCode(new NemoUnavailableError("backend answered HTTP 503", true, { status: 503 }))).toBe(
      "E-HTTP-503",
    );
    expect(failureCode(new NemoUnavailableError("?", true))).toBe("E-UNAVAILABLE");
  });

  it("keeps the backend's kind of failure, also as plain data from a job queue", () => {
    expect(failureCode(new NemoAuthError("401", true))).toBe("E-AUTH");
    expect(failureCode({ code: "NEMO_OUT_OF_CREDITS" })).toBe("E-CREDITS");
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(failureCode(new NemoStreamDroppedError("dropped", { cause: reset }))).toBe("E-STREAM-DROPPED");
    expect(failureCode(new Error("bug"))).toBe("E-INTERNAL");
    expect(failureCode(undefined)).toBe("E-INTERNAL");
  });

  it("shows the code after the friendly text, in both languages, and logs the same code with the cause", async () => {
    const error = toTransportError(await failureOf("http://nemo-backend.invalid/"));
    expect(errorTextWithCode(error, "en").text).toBe(`${text("en", "error_unavailable")} (code E-DNS)`);
    expect(errorTextWithCode(error, "zh-CN").text).toBe(
      `${text("zh-CN", "error_unavailable")}（错误代码 E-DNS）`,
    );
    expect(failureFields(error)).toEqual({
      failure: "E-DNS",
      code: "NEMO_UNAVAILABLE",
      cause: expect.stringMatching(/^DNS: cannot resolve nemo-backend\.invalid/),
    });
  });

  it("are all listed in docs/troubleshooting-codes.md, and the docs list no others", async () => {
    const docs = await readFile(new URL("../docs/troubleshooting-codes.md", import.meta.url), "utf8");
    // One table row a code (the tables may be padded by a formatter).
    const documented = [...docs.matchAll(/^\| `(E-[^`]+)`\s*\|/gm)].map((match) => match[1]);
    expect([...documented].sort()).toEqual([...FAILURE_CODES].sort());
  });
});
