import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { describe, expect, it } from "vitest";
import { scopeRequests } from "../src/adapters/slack/inbound/request-scope.js";
import { silentLogger } from "../src/core/logger.js";

type Middleware = (args: {
  context: { teamId?: string; botUserId?: string };
  client: WebClient;
  next: () => Promise<void>;
}) => Promise<void>;

/** Bolt's `use` as the scope sees it: one global middleware, run per request around the listener. */
function fakeApp() {
  let middleware: Middleware | undefined;
  const app = { use: (fn: Middleware) => (middleware = fn) } as unknown as App;
  const request = (teamId: string, client: WebClient, listener: () => Promise<void>) =>
    middleware!({ context: { teamId, botUserId: `B-${teamId}` }, client, next: listener });
  return { app, request };
}

/** A promise and its resolver: a listener held at an await until the test lets it go on. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

const client = (name: string) => ({ name }) as unknown as WebClient;
const settings = {
  handler: { handle: async () => undefined },
  logger: silentLogger(),
  isAllowed: () => true,
};

describe("each Slack request's listeners see their own workspace's scope", () => {
  it("one workspace runs without a per-request store; a second one mid-request keeps both right", async () => {
    const { app, request } = fakeApp();
    const ctx = scopeRequests(app, settings, undefined);
    const [one, two] = [client("one"), client("two")];
    const seen: string[] = [];
    const look = (label: string): void => {
      const name = (ctx.client as unknown as { name: string }).name;
      seen.push(`${label}: ${ctx.workspace()} ${ctx.botUserId} ${name}`);
    };
    // A request of T1 waits at an await while one of T2 arrives and runs to its end.
    const held = gate();
    const first = request("T1", one, async () => {
      look("T1 before");
      await held.wait;
      look("T1 after");
    });
    await request("T1", one, async () => look("T1 second"));
    await request("T2", two, async () => {
      await Promise.resolve();
      look("T2");
    });
    held.open();
    await first;
    await request("T1", one, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      look("T1 again");
    });
    expect(seen).toEqual([
      "T1 before: T1 B-T1 one",
      "T1 second: T1 B-T1 one",
      "T2: T2 B-T2 two",
      "T1 after: T1 B-T1 one",
      "T1 again: T1 B-T1 one",
    ]);
    expect(() => ctx.users).not.toThrow(); // outside a request: the sole scope of before, as it was
  });

  it("a listener outside any request is refused before the first request", () => {
    const { app } = fakeApp();
    const ctx = scopeRequests(app, settings, undefined);
    expect(() => ctx.client).toThrow(/outside a request/);
    expect(ctx.workspace()).toBeUndefined();
  });
});
