import { createServer, type IncomingMessage, type Server } from "node:http";
import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopeRequests } from "../src/adapters/slack/inbound/request-scope.js";
import { signedEventLane } from "../src/adapters/slack/inbound/signed-events.js";
import type { Inbound } from "../src/core/conversation/inbound.js";
import { silentLogger } from "../src/core/logger.js";
import { appMention, eventCallbackBody, messageEvent, slashCommandBody } from "./fakes/slack/payloads.js";
import { sendSigned, slackSignature } from "./fakes/slack/signed-request.js";

/**
 * The signed-event lane in front of Bolt: what it takes itself (a verified `app_mention` / `message`
 * of the workspace every request so far ran in), and what it hands to Bolt with the body already read.
 */
const SECRET = "lane-secret";
const BOT = "UBOT";
const handled: Inbound[] = [];
let failNext = false;
/** What reached "Bolt": the body the lane had read (undefined when it read none). */
const toBolt: (string | undefined)[] = [];
let server: Server;
let url: string;

type Middleware = (args: {
  context: { teamId?: string; botUserId?: string };
  client: WebClient;
  next: () => Promise<void>;
}) => Promise<void>;

beforeAll(async () => {
  let middleware: Middleware | undefined;
  const app = { use: (fn: Middleware) => (middleware = fn) } as unknown as App;
  const handler = {
    handle: async (inbound: Inbound) => {
      if (failNext) {
        failNext = false;
        throw new Error("redis down");
      }
      handled.push(inbound);
    },
  };
  const ctx = scopeRequests(app, { handler, logger: silentLogger(), isAllowed: () => true }, BOT);
  // One request through Bolt's middleware first: T1's scope is the sole one.
  await middleware!({
    context: { teamId: "T1", botUserId: BOT },
    client: {} as WebClient,
    next: async () => {},
  });
  const lane = signedEventLane(SECRET, ctx, silentLogger());
  server = createServer((req, res) =>
    lane(req, res, () => {
      const raw = (req as IncomingMessage & { rawBody?: Buffer }).rawBody;
      toBolt.push(raw?.toString());
      if (!raw) req.resume();
      res.writeHead(299).end();
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/slack/events`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const mention = (eventId: string, team = "T1") =>
  eventCallbackBody(appMention({ channel: "C1", user: "U1", text: `<@${BOT}> hi ${eventId}`, ts: "1.1" }), {
    team,
    eventId,
    botUserId: BOT,
  });
const send = (body: string, options: { signature?: string; timestamp?: number } = {}) =>
  sendSigned(url, body, { secret: SECRET, contentType: "application/json", ...options });

describe("the signed-event lane", () => {
  it("takes a signed app_mention of the sole workspace itself: queued, then 200", async () => {
    const answer = await send(mention("EvLane1"));
    expect(answer).toEqual({ status: 200, body: "" });
    expect(handled.map((inbound) => [inbound.id, inbound.text, inbound.ref.workspace])).toEqual([
      ["EvLane1", "hi EvLane1", "T1"],
    ]);
    expect(toBolt).toEqual([]);
  });

  it("answers 500 when the event could not be queued (Slack sends it again)", async () => {
    failNext = true;
    expect((await send(mention("EvLaneFail"))).status).toBe(500);
    expect(handled.some((inbound) => inbound.id === "EvLaneFail")).toBe(false);
  });

  it("ignores a bot's message after verifying it: 200, nothing queued", async () => {
    const body = eventCallbackBody(
      messageEvent({
        channel: "D1",
        channelType: "im",
        text: "beep",
        ts: "2.2",
        botId: "B9",
        subtype: "bot_message",
      }),
      { team: "T1", eventId: "EvBot", botUserId: BOT },
    );
    expect((await send(body)).status).toBe(200);
    expect(handled.some((inbound) => inbound.id === "EvBot")).toBe(false);
    expect(toBolt).toEqual([]);
  });

  it("hands Bolt, with the body it read, what it does not verify or does not take", async () => {
    const forged = mention("EvForged");
    const now = Math.floor(Date.now() / 1000);
    const stale = mention("EvStale");
    const challenge = JSON.stringify({ type: "url_verification", token: "t", challenge: "c" });
    const reaction = JSON.stringify({
      type: "event_callback",
      team_id: "T1",
      event_id: "EvReaction",
      event: { type: "reaction_added", user: "U1", reaction: "+1" },
      authorizations: [{ team_id: "T1", is_enterprise_install: false }],
    });
    const otherTeam = mention("EvOtherTeam", "T2");
    const answers = [
      await send(forged, { signature: slackSignature("not-the-secret", now, forged) }),
      await send(stale, { timestamp: now - 600, signature: slackSignature(SECRET, now - 600, stale) }),
      await send(challenge),
      await send(reaction),
      await send(otherTeam),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([299, 299, 299, 299, 299]);
    expect(toBolt).toEqual([forged, stale, challenge, reaction, otherTeam]);
    const command = slashCommandBody({
      team: "T1",
      channel: "C1",
      user: "U1",
      text: "help",
      triggerId: "t.1",
      responseUrl: "https://hooks.slack.test/respond",
    });
    await sendSigned(url, command, { secret: SECRET, contentType: "application/x-www-form-urlencoded" });
    // A form (commands, clicks) goes to Bolt unread: Bolt reads the stream itself.
    expect(toBolt.at(-1)).toBeUndefined();
    expect(handled.map((inbound) => inbound.id)).toEqual(["EvLane1"]);
  });
});
