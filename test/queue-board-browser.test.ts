import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Observability, startObservability } from "../src/app/observability.js";
import { loadConfig } from "../src/config/config.js";
import { silentLogger } from "../src/core/logger.js";
import { type BotFixture, startBot } from "./helpers/bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";

/**
 * The queue board (Bull Board under `/queues` on the admin port) in a real headless Chromium: the page's
 * scripts run, fetch the queues and render them. scripts/ensure-chromium.sh (`npm test`'s pretest)
 * installs Debian's chromium; without any browser the test is skipped, saying why.
 */
const CANDIDATES = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
const executablePath = CANDIDATES.find((path): path is string => !!path && existsSync(path));
if (!executablePath) {
  console.warn(
    `queue-board-browser: skipped — no Chromium at ${CANDIDATES.filter(Boolean).join(", ")} ` +
      "(scripts/ensure-chromium.sh installs Debian's chromium as root; or set CHROMIUM_PATH)",
  );
}

const TOKEN = "board-test-token-0123456789abcdef";
const QUEUES = ["command", "deliver", "export", "turn", "upload"];
const redis = useRedisServer();

describe.skipIf(!executablePath)("the queue board in headless Chromium", () => {
  let bot: BotFixture;
  let observability: Observability;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    bot = await startBot(redis.url, { workers: false });
    // Jobs due in an hour: they stay delayed, so the board has something to count.
    await bot.runtime.services.queues.export.add(
      "export",
      { refKey: "k1", lang: "en" },
      { delay: 3_600_000 },
    );
    const config = loadConfig({
      REDIS_URL: redis.url,
      KEY_PREFIX: bot.prefix,
      ADMIN_PORT: "0",
      ADMIN_TOKEN: TOKEN,
    });
    observability = await startObservability({
      config,
      services: bot.runtime.services,
      workers: [],
      logger: silentLogger(),
    });
    base = `http://127.0.0.1:${observability.adminPort}`;
    browser = await chromium.launch({ executablePath: executablePath!, args: ["--no-sandbox"] });
  });

  afterAll(async () => {
    await browser?.close();
    await observability?.close();
    await bot?.dispose();
  });

  it("with the token (Basic, as a browser asks for it), every queue renders and the page has no error", async () => {
    const context = await browser.newContext({ httpCredentials: { username: "admin", password: TOKEN } });
    // The board asks for web fonts elsewhere (fonts.googleapis.com): the test stays offline, so requests
    // off the admin port are cut and not counted; everything the board serves itself must load.
    const ours = (url: string) => url.startsWith(`${base}/`);
    await context.route(
      (url) => !ours(url.href),
      (route) => route.abort(),
    );
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      const from = message.location().url;
      if (from === "" || ours(from)) problems.push(`console: ${message.text()} (${from})`);
    });
    page.on("requestfailed", (request) => {
      if (ours(request.url())) problems.push(`failed: ${request.url()}`);
    });
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    try {
      const response = await page.goto(`${base}/queues`);
      expect(response?.status()).toBe(200);
      // The queues are rendered by the page's scripts from /queues/api/queues: each one links to its page.
      for (const name of QUEUES) {
        await page.locator(`a[href$="/queue/${name}"]`).first().waitFor({ state: "visible" });
      }
      const text = await page.locator("body").textContent();
      for (const name of QUEUES) expect(text ?? "").toContain(name);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("without the token the board is refused (401) and shows no queue", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      // Chromium gives up on a Basic challenge it has no credentials for: the navigation fails, or shows 401.
      const status = await page.goto(`${base}/queues`).then(
        (response) => response?.status(),
        (error: Error) => error.message,
      );
      expect(String(status)).toMatch(/^401$|ERR_INVALID_AUTH_CREDENTIALS/);
      expect(await page.locator('a[href$="/queue/turn"]').count()).toBe(0);
      const board = await page.request.get(`${base}/queues`);
      expect(board.status()).toBe(401);
      expect(board.headers()["www-authenticate"]).toMatch(/^Basic /);
      const api = await page.request.get(`${base}/queues/api/queues`);
      expect(api.status()).toBe(401);
    } finally {
      await context.close();
    }
  });

  it("with a wrong token it is refused too", async () => {
    const context = await browser.newContext({ httpCredentials: { username: "admin", password: "wrong" } });
    const page = await context.newPage();
    try {
      expect((await page.goto(`${base}/queues`))?.status()).toBe(401);
    } finally {
      await context.close();
    }
  });
});
