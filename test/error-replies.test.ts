import { describe, expect, it } from "vitest";
import { errorText } from "../src/core/conversation/error-replies.js";
import { text } from "../src/core/conversation/texts.js";
import {
  NemoAbortedError,
  NemoAuthError,
  NemoBadRequestError,
  NemoExportBlockedError,
  NemoFileTooLargeError,
  NemoHeartbeatTimeoutError,
  NemoOutOfCreditsError,
  NemoRateLimitedError,
  NemoRequestError,
  NemoSessionNotFoundError,
  NemoStreamDroppedError,
  NemoStreamTimeoutError,
  NemoUnavailableError,
  NemoUnsupportedFileError,
} from "../src/core/nemo/errors.js";

/** What an error looks like after crossing a job queue: its own fields, no prototype. */
const plain = (error: Error): Record<string, unknown> => ({ ...error, message: error.message });

describe("errorText", () => {
  it.each([
    [new NemoAuthError("401", false), "error_auth"],
    [new NemoAuthError("401", true), "error_auth_operator"],
    [new NemoSessionNotFoundError("1002"), "error_session_not_found"],
    [new NemoExportBlockedError("402"), "error_export_blocked"],
    [new NemoRateLimitedError("429"), "error_rate_limited"],
    [new NemoUnavailableError("502", true), "error_unavailable"],
    [new NemoStreamTimeoutError("15 min"), "error_stream_timeout"],
    [new NemoHeartbeatTimeoutError("10 min"), "error_stream_timeout"],
    [new NemoStreamDroppedError("reset"), "error_stream_dropped"],
    [new NemoBadRequestError("400"), "error_bad_request"],
    [new NemoRequestError("code 3001"), "error_request_failed"],
    [new NemoAbortedError(), "error_aborted"],
  ] as const)("%o → %s, as an instance and as plain data", (error, key) => {
    expect(errorText(error, "en")).toEqual({ text: text("en", key) });
    expect(errorText(plain(error), "en")).toEqual({ text: text("en", key) });
    expect(errorText(plain(error), "zh-CN")).toEqual({ text: text("zh-CN", key) });
  });

  it("tells an operator, not the user, about a rejected operator token", () => {
    expect(errorText({ code: "NEMO_AUTH", operatorToken: true }, "en").text).toBe(
      "The bot's NemoVideo token was rejected; an operator needs to update it.",
    );
    expect(errorText({ code: "NEMO_AUTH", operatorToken: "yes" }, "en").text).toBe(text("en", "error_auth"));
  });

  it("never shows the shared account's bind link: members are told to ask the operator", () => {
    const url = "https://nemovideo.com/register?bind=abc";
    const reply = errorText(plain(new NemoOutOfCreditsError("2001", "abc", url)), "en");
    expect(reply).toEqual({ text: text("en", "error_out_of_credits_shared") });
    expect(JSON.stringify(reply)).not.toContain("bind");
    expect(errorText({ code: "NEMO_OUT_OF_CREDITS", bindUrl: url }, "zh-CN")).toEqual({
      text: text("zh-CN", "error_out_of_credits_shared"),
    });
    expect(reply.text).toMatch(/ask the bot.s operator/);
  });

  it("points a registered account at the billing page", () => {
    const topUp = { text: text("en", "error_out_of_credits") };
    const error = new NemoOutOfCreditsError("2001", undefined, undefined);
    expect(errorText(error, "en")).toEqual(topUp);
    error.billingUrl = "https://nemovideo.com/billing";
    expect(errorText(plain(error), "en")).toEqual({
      ...topUp,
      link: { label: text("en", "link_billing"), url: "https://nemovideo.com/billing" },
    });
    expect(errorText({ code: "NEMO_OUT_OF_CREDITS", billingUrl: "javascript:alert(1)" }, "en")).toEqual(
      topUp,
    );
    expect(topUp.text).toMatch(/top up/i);
  });

  it("tells a thread whose linked account is gone to log in again", () => {
    expect(errorText({ code: "NEMO_AUTH", userToken: true }, "en").text).toBe(text("en", "error_auth_user"));
  });

  it("lists the accepted file types from the error, else the known list", () => {
    expect(errorText(new NemoUnsupportedFileError("4001", ["mp4", ".MOV"]), "en").text).toBe(
      "I can't use that type of file. Accepted types: mp4, mov.",
    );
    const fallback = errorText({ code: "NEMO_UNSUPPORTED_FILE" }, "en").text;
    expect(fallback).toContain("mp4, mov, avi, webm, mkv, jpg, png, gif, webp, mp3, wav, m4a, aac");
    expect(errorText({ code: "NEMO_UNSUPPORTED_FILE", accepted: ["mp4", "jpg"] }, "zh-CN").text).toContain(
      "mp4、jpg",
    );
  });

  it("never echoes odd values from `accepted`", () => {
    const reply = errorText({ code: "NEMO_UNSUPPORTED_FILE", accepted: ["<script>", "token=abc", 5] }, "en");
    expect(reply.text).not.toMatch(/script|token|5\b/);
    expect(reply.text).toContain("mp4");
  });

  it("suggests trimming or compressing, with the limit in MB when known", () => {
    expect(errorText(new NemoFileTooLargeError("4002", 500 * 1024 * 1024), "en").text).toBe(
      "That file is too large (the limit is 500 MB). Try trimming or compressing it, then send it again.",
    );
    expect(errorText({ code: "NEMO_FILE_TOO_LARGE", maxBytes: 200_000_000 }, "zh-CN").text).toContain(
      "191 MB",
    );
    for (const maxBytes of [undefined, 0, -1, Number.NaN, "500"]) {
      expect(errorText({ code: "NEMO_FILE_TOO_LARGE", maxBytes }, "en").text).toBe(
        text("en", "error_file_too_large"),
      );
    }
    expect(text("en", "error_file_too_large")).toMatch(/trim.*compress/);
  });

  it("says export on the free plan is not a credits problem", () => {
    const reply = errorText({ code: "NEMO_EXPORT_BLOCKED" }, "en").text;
    expect(reply).toContain("not about credits");
    expect(reply).toMatch(/regist|upgrad/i);
  });

  it("finds the code on a wrapping error's cause", () => {
    const wrapped = new Error("turn failed", { cause: new NemoRateLimitedError("429") });
    expect(errorText(wrapped, "en").text).toBe(text("en", "error_rate_limited"));
    expect(errorText({ message: "x", cause: { cause: { code: "NEMO_ABORTED" } } }, "en").text).toBe(
      text("en", "error_aborted"),
    );
  });

  it.each([
    new Error("ECONNRESET at 10.0.0.3:6379 password=hunter2"),
    new TypeError("Cannot read properties of undefined"),
    { code: "ECONNREFUSED", message: "connect ECONNREFUSED" },
    { code: "NEMO_SOMETHING_NEW", message: "secret detail" },
    "a string",
    42,
    null,
    undefined,
  ])("maps %o to the internal error without leaking its message", (error) => {
    const reply = errorText(error, "en");
    expect(reply).toEqual({ text: text("en", "internal_error") });
    expect(reply.text).not.toMatch(/hunter2|ECONN|undefined|secret/);
  });

  it("never shows a coded error's own message", () => {
    const reply = errorText({ code: "NEMO_BAD_REQUEST", message: "token nmv_usr_secret rejected" }, "en");
    expect(reply.text).not.toContain("nmv_usr_secret");
  });

  it("stops following a cyclic cause chain", () => {
    const a: Record<string, unknown> = { message: "a" };
    a.cause = a;
    expect(errorText(a, "en").text).toBe(text("en", "internal_error"));
  });
});
