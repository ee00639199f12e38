import { createHmac } from "node:crypto";

/** Slack's request signature: `v0=` + HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export interface SignedRequestOptions {
  secret: string;
  contentType: "application/json" | "application/x-www-form-urlencoded";
  /** Seconds since the epoch (default now). */
  timestamp?: number;
  /** Sent instead of the correct signature. */
  signature?: string;
  /** `X-Slack-Retry-Num` (Slack's re-deliveries). */
  retryNum?: number;
}

/** POSTs a body the way Slack does (signed, with Slack's headers); resolves to status and body. */
export async function sendSigned(
  url: string,
  body: string,
  options: SignedRequestOptions,
): Promise<{ status: number; body: string }> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": options.contentType,
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": options.signature ?? slackSignature(options.secret, timestamp, body),
      ...(options.retryNum === undefined
        ? {}
        : { "x-slack-retry-num": String(options.retryNum), "x-slack-retry-reason": "http_timeout" }),
    },
    body,
  });
  return { status: response.status, body: await response.text() };
}
