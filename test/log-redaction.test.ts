import { describe, expect, it } from "vitest";
import { createLogger } from "../src/core/logger.js";

/** Every line a logger writes, as text. */
function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", stream: { write: (line: string) => void lines.push(line) } });
  return { logger, text: () => lines.join("") };
}

const SECRETS = {
  nemo: "nmv_live_0123456789abcdefSECRET",
  claim: "clm_9f8e7d6c5b4a3210SECRET",
  bot: "xoxb-1111-2222-SECRETbot",
  refresh: "xoxe-1-SECRETrefresh",
  app: "xapp-1-A111-SECRETapp",
  interaction: "aW50ZXJhY3Rpb246SECRETinteraction",
  hook: "https://hooks.slack.com/commands/T1/123/SECREThook",
  clientSecret: "client-secret-SECRET-value",
  signing: "8f742231b10eSECRETsigning",
  state: "state-secret-SECRET-value",
};

describe("log redaction (pino)", () => {
  it("censors secret fields and secret-shaped values at any depth, in bindings and in messages", () => {
    const { logger, text } = capture();
    const child = logger.child({
      job: { data: { inbound: { privateReplyTo: `interaction:42:${SECRETS.interaction}` } } },
    });
    child.info(
      {
        request: {
          headers: { Authorization: `Bearer ${SECRETS.nemo}` },
          body: { client_secret: SECRETS.clientSecret },
        },
        installation: { bot: { token: SECRETS.bot, refreshToken: SECRETS.refresh } },
        deep: { a: { b: { c: { d: { response_url: SECRETS.hook, note: `claim ${SECRETS.claim}` } } } } },
        list: [{ signingSecret: SECRETS.signing }, `app token ${SECRETS.app}`],
        config: { SLACK_STATE_SECRET: SECRETS.state },
        err: new Error(`oauth failed for ${SECRETS.bot}`),
        thread: "slack:T1:C1:1.2",
      },
      "event-with-secrets",
    );
    logger.warn({ lib: "slack" }, `An API error occurred: token ${SECRETS.app} refused; see ${SECRETS.hook}`);
    const written = text();
    for (const [name, secret] of Object.entries(SECRETS)) expect(written, name).not.toContain(secret);
    expect(written).toContain("[redacted]");
    // What is not secret stays readable.
    expect(written).toContain("slack:T1:C1:1.2");
    expect(written).toContain("event-with-secrets");
    expect(written).toContain("oauth failed for");
    expect(written).toContain("An API error occurred");
  });

  it("redacts an error's own fields and causes, and the message pino takes from an error", () => {
    const { logger, text } = capture();
    const webhook = "https://discord.com/api/v10/webhooks/123/SECRETwebhookToken/messages/@original";
    const withUrl = Object.assign(new Error("Unknown Webhook"), {
      url: webhook,
      requestBody: { token: "x" },
    });
    logger.warn({ err: withUrl }, "discord-call-failed");
    logger.warn({ err: new Error(`refused ${SECRETS.bot}`) });
    logger.error(new Error(`refused ${SECRETS.app}`));
    logger.info(
      { err: new Error("request failed", { cause: new Error(`claim ${SECRETS.claim}`) }) },
      "caused",
    );
    // A key a child bound with another value is written as `call.<key>`: still judged by its name.
    logger.child({ cookie: "theme=dark" }).info({ cookie: "session=SECRETcookie" }, "cookie");
    const written = text();
    for (const [name, secret] of Object.entries(SECRETS)) expect(written, name).not.toContain(secret);
    expect(written).not.toContain("SECRETwebhookToken");
    expect(written).not.toContain("SECRETcookie");
    const lines = written
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { msg?: string; err: Record<string, unknown> });
    // Still readable: the error's type, its message, the host of the failing call.
    expect(lines[0]!.err).toMatchObject({ type: "Error", message: "Unknown Webhook" });
    expect(lines[0]!.err.url).toContain("discord.com/api/v10/webhooks/123/");
    expect(lines[1]!.msg).toBe("refused xoxb-[redacted]");
    expect(lines[2]).toMatchObject({ msg: "refused xapp-[redacted]", err: { type: "Error" } });
  });

  it("leaves a line without secrets unchanged", () => {
    const { logger, text } = capture();
    logger.info({ thread: "console:local:test:t1", masked: "nmv_••••1234", counts: [1, 2] }, "turn-started");
    const line = JSON.parse(text()) as Record<string, unknown>;
    expect(line).toMatchObject({ thread: "console:local:test:t1", masked: "nmv_••••1234", counts: [1, 2] });
  });
});
