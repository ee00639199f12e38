import { describe, expect, it } from "vitest";
import { bindLink, type TaskLinkOptions, taskLink } from "../src/core/nemo/task-link.js";

const OPTIONS: TaskLinkOptions = {
  webUrl: "https://nemovideo.com",
  taskId: "task-123",
  sessionId: "7301234567890123456",
  source: "nemo-video-bot",
  version: "0.1.0",
  platform: "discord",
};

describe("taskLink", () => {
  it("builds the claim link with the attribution", () => {
    expect(taskLink(OPTIONS)).toBe(
      "https://nemovideo.com/workspace/claim?task=task-123&session=7301234567890123456&source=nemo-video-bot&version=0.1.0&platform=discord",
    );
  });

  it("accepts a trailing slash and a path prefix, and drops the base's query and fragment", () => {
    const expected = "/workspace/claim?task=task-123";
    expect(taskLink({ ...OPTIONS, webUrl: "https://nemovideo.com/" })).toContain(`nemovideo.com${expected}`);
    expect(taskLink({ ...OPTIONS, webUrl: "https://example.org/nemo//" })).toContain(
      `example.org/nemo${expected}`,
    );
    expect(taskLink({ ...OPTIONS, webUrl: "http://127.0.0.1:8080/app?x=1#top" })).toMatch(
      /^http:\/\/127\.0\.0\.1:8080\/app\/workspace\/claim\?task=task-123&session=\d+&source=[^&]+&version=[^&]+&platform=discord$/,
    );
  });

  it("encodes values", () => {
    const url = new URL(taskLink({ ...OPTIONS, taskId: "a&b=c", source: "@scope/pkg", platform: "slack" }));
    expect(url.searchParams.get("task")).toBe("a&b=c");
    expect(url.searchParams.get("source")).toBe("@scope/pkg");
    expect([...url.searchParams.keys()]).toEqual(["task", "session", "source", "version", "platform"]);
  });

  it("never carries a token", () => {
    const link = taskLink(OPTIONS);
    expect(link).not.toMatch(/token|nmv_/i);
    const secret = "nmv_usr_abcdef123456";
    const leaks: Partial<TaskLinkOptions>[] = [
      { taskId: secret },
      { sessionId: `x${secret}` },
      { source: "NMV_USR_X" },
      { version: "Bearer abc" },
    ];
    for (const bad of leaks) expect(() => taskLink({ ...OPTIONS, ...bad })).toThrow(/carries a token/);
    // A token in the base's own query is dropped, never copied into the link.
    expect(taskLink({ ...OPTIONS, webUrl: "https://nemovideo.com/?token=abc" })).not.toMatch(/token/i);
    expect(() => taskLink({ ...OPTIONS, webUrl: `https://nemovideo.com/${secret}` })).toThrow(
      /carries a token/,
    );
    expect(() => taskLink({ ...OPTIONS, webUrl: "https://user:pass@nemovideo.com" })).toThrow(
      /carries a token/,
    );
  });

  it("does not put the secret in the error message", () => {
    const secret = "nmv_usr_abcdef123456";
    expect(() => taskLink({ ...OPTIONS, taskId: secret })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secret) }),
    );
  });

  it("rejects empty ids and bad base URLs", () => {
    expect(() => taskLink({ ...OPTIONS, taskId: "" })).toThrow(/taskId/);
    expect(() => taskLink({ ...OPTIONS, sessionId: " " })).toThrow(/sessionId/);
    expect(() => taskLink({ ...OPTIONS, webUrl: "nemovideo.com" })).toThrow(TypeError);
    expect(() => taskLink({ ...OPTIONS, webUrl: "javascript:alert(1)" })).toThrow(TypeError);
  });
});

describe("bindLink", () => {
  it("builds the registration link with the bind id", () => {
    expect(bindLink("https://nemovideo.com", "b-42")).toBe("https://nemovideo.com/register?bind=b-42");
    expect(bindLink("https://example.org/nemo/", "b 42")).toBe("https://example.org/nemo/register?bind=b+42");
  });

  it("never carries a token", () => {
    expect(() => bindLink("https://nemovideo.com", "nmv_usr_secret")).toThrow(/carries a token/);
    expect(() => bindLink("https://nemovideo.com", "")).toThrow(/bindId/);
  });
});
