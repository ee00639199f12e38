import { afterEach, describe, expect, it } from "vitest";
import { createSlackAdapter, type SlackAdapterSetup } from "../src/adapters/slack/slack-adapter.js";
import type { Inbound } from "../src/core/conversation/inbound.js";
import { silentLogger } from "../src/core/logger.js";
import { FakeSlackApi } from "./fakes/slack/fake-slack-api.js";
import { FakeSocketMode } from "./fakes/slack/fake-socket-mode.js";
import { appMention, eventEnvelope } from "./fakes/slack/payloads.js";
import { BOT_TOKEN, BOT_USER, SIGNING_SECRET, TEAM } from "./fakes/slack/slack-bot-fixture.js";
import { eventually } from "./helpers/eventually.js";

const APP_TOKEN = "xapp-1-A0FAKEAPP-1234-test-app-token";

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

describe("Slack Socket Mode", () => {
  it("wins over the signing secret, connects through apps.connections.open, receives and acks an event", async () => {
    const fake = await FakeSlackApi.start({
      botToken: BOT_TOKEN,
      appToken: APP_TOKEN,
      teamId: TEAM,
      botUserId: BOT_USER,
    });
    const socket = await FakeSocketMode.start();
    cleanup.push(
      () => fake.close(),
      () => socket.close(),
    );
    fake.socketUrl = socket.url;
    const received: Inbound[] = [];
    const setup: SlackAdapterSetup = createSlackAdapter({
      botToken: BOT_TOKEN,
      appToken: APP_TOKEN,
      signingSecret: SIGNING_SECRET,
      apiUrl: `${fake.url}/api/`,
      allowedChannels: [],
      handler: { handle: async (inbound) => void received.push(inbound) },
      logger: silentLogger(),
    });
    expect(setup.transport).toBe("socket");
    expect(setup.requestListener).toBeUndefined();

    await setup.adapter.start();
    cleanup.push(() => setup.adapter.stop());
    expect(socket.connections).toBe(1);
    const open = fake.callsOf("apps.connections.open");
    expect(open).toHaveLength(1);
    expect(open[0]?.authorization).toBe(`Bearer ${APP_TOKEN}`);
    expect(fake.callsOf("auth.test")[0]?.authorization).toBe(`Bearer ${BOT_TOKEN}`);

    socket.sendEvent(
      "env-1",
      eventEnvelope(
        appMention({ channel: "C1", user: "U1", text: `<@${BOT_USER}> a video of snow`, ts: "900.1" }),
        {
          team: TEAM,
          eventId: "EvSocket1",
          botUserId: BOT_USER,
        },
      ),
    );
    await socket.waitFor(
      () => socket.received.some((message) => message.envelope_id === "env-1"),
      5_000,
      "ack",
    );
    // The handler runs after the ack, on the adapter's side of the socket.
    await eventually(() => received.length === 1, 5_000, "the event handled");
    expect(received[0]).toMatchObject({
      id: "EvSocket1",
      ref: { platform: "slack", workspace: TEAM, channel: "C1", thread: "900.1" },
      text: "a video of snow",
    });

    await setup.adapter.stop();
    await socket.waitFor(() => socket.connections === 0, 5_000, "disconnect");
  });

  it("acknowledges an envelope only once its event is queued: a failed enqueue is left for Slack to send again", async () => {
    const fake = await FakeSlackApi.start({
      botToken: BOT_TOKEN,
      appToken: APP_TOKEN,
      teamId: TEAM,
      botUserId: BOT_USER,
    });
    const socket = await FakeSocketMode.start();
    cleanup.push(
      () => fake.close(),
      () => socket.close(),
    );
    fake.socketUrl = socket.url;
    let failNext = true;
    const queued: Inbound[] = [];
    const setup = createSlackAdapter({
      botToken: BOT_TOKEN,
      appToken: APP_TOKEN,
      apiUrl: `${fake.url}/api/`,
      allowedChannels: [],
      handler: {
        handle: async (inbound) => {
          if (failNext) {
            failNext = false;
            throw new Error("Redis is away");
          }
          queued.push(inbound);
        },
      },
      logger: silentLogger(),
    });
    await setup.adapter.start();
    cleanup.push(() => setup.adapter.stop());
    const envelope = eventEnvelope(
      appMention({ channel: "C1", user: "U1", text: `<@${BOT_USER}> a video of rain`, ts: "901.1" }),
      { team: TEAM, eventId: "EvSocket2", botUserId: BOT_USER },
    );
    socket.sendEvent("env-fail", envelope);
    socket.sendEvent(
      "env-marker",
      eventEnvelope(appMention({ channel: "C1", user: "U1", text: `<@${BOT_USER}> marker`, ts: "901.2" }), {
        team: TEAM,
        eventId: "EvSocket3",
        botUserId: BOT_USER,
      }),
    );
    await socket.waitFor(
      () => socket.received.some((m) => m.envelope_id === "env-marker"),
      5_000,
      "marker ack",
    );
    expect(socket.received.some((m) => m.envelope_id === "env-fail")).toBe(false);
    // Slack sends the unacknowledged envelope again: now it is queued and acknowledged.
    socket.sendEvent("env-fail", envelope);
    await socket.waitFor(() => socket.received.some((m) => m.envelope_id === "env-fail"), 5_000, "retry ack");
    expect(queued.map((inbound) => inbound.id).sort()).toEqual(["EvSocket2", "EvSocket3"]);
  });

  it("fails to start with an app token Slack refuses", async () => {
    const fake = await FakeSlackApi.start({ botToken: BOT_TOKEN, appToken: "xapp-other" });
    cleanup.push(() => fake.close());
    const setup = createSlackAdapter({
      botToken: BOT_TOKEN,
      appToken: APP_TOKEN,
      apiUrl: fake.apiUrl,
      allowedChannels: [],
      handler: { handle: async () => undefined },
      logger: silentLogger(),
    });
    await expect(setup.adapter.start()).rejects.toThrow(/invalid_auth/);
    expect(fake.callsOf("apps.connections.open")).toHaveLength(1);
  });
});
