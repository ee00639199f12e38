import { describe, expect, it } from "vitest";
import { bindLink, claimLink } from "../src/core/nemo/task-link.js";

const CT = "clm_AbCdEf0123456789";

describe("claimLink", () => {
  it("builds the claim link with the claim token only", () => {
    expect(claimLink("https://nemovideo.com", CT)).toBe(`https://nemovideo.com/workspace/claim?ct=${CT}`);
  });

  it("accepts a trailing slash and a path prefix, and drops the base's query and fragment", () => {
    const expected = `/workspace/claim?ct=${CT}`;
    expect(claimLink("https://nemovideo.com/", CT)).toBe(`https://nemovideo.com${expected}`);
    expect(claimLink("https://example.org/nemo//", CT)).toBe(`https://example.org/nemo${expected}`);
    expect(claimLink("http://127.0.0.1:8080/app?x=1#top", CT)).toBe(`http://127.0.0.1:8080/app${expected}`);
  });

  it("never carries an API token, and never names it in the error", () => {
    const secret = "nmv_usr_abcdef123456";
    expect(claimLink("https://nemovideo.com", CT)).not.toMatch(/token|nmv_/i);
    expect(() => claimLink("https://nemovideo.com", secret)).toThrow(/carries a token/);
    expect(() => claimLink("https://nemovideo.com", "Bearer abc")).toThrow(/carries a token/);
    expect(() => claimLink(`https://nemovideo.com/${secret}`, CT)).toThrow(/carries a token/);
    expect(() => claimLink("https://user:pass@nemovideo.com", CT)).toThrow(/carries a token/);
    expect(claimLink("https://nemovideo.com/?token=abc", CT)).not.toMatch(/token=/i);
    expect(() => claimLink("https://nemovideo.com", secret)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secret) }),
    );
  });

  it("rejects an empty claim token and bad base URLs", () => {
    expect(() => claimLink("https://nemovideo.com", " ")).toThrow(/claimToken/);
    expect(() => claimLink("nemovideo.com", CT)).toThrow(TypeError);
    expect(() => claimLink("javascript:alert(1)", CT)).toThrow(TypeError);
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
