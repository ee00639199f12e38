import { randomUUID } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Metrics } from "../src/app/metrics.js";
import { startObservability } from "../src/app/observability.js";
import { observeExports } from "../src/app/worker-metrics.js";
import { loadConfig } from "../src/config/config.js";
import type { Inbound } from "../src/core/conversation/inbound.js";
import { silentLogger } from "../src/core/logger.js";
import { startSimulator } from "../src/simulator/index.js";
import { type BotFixture, startBot } from "./helpers/bot-fixture.js";
import { eventually } from "./helpers/eventually.js";
import { parseExposition, type Selector, selectorsOf, selects } from "./helpers/promql-selectors.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();

/**
 * Selectors no bot process can answer, each with the reason. `up` is written by Prometheus itself for
 * every scrape target (1 when the scrape worked); it never appears on a process's own `/metrics`.
 */
const NOT_FROM_THE_BOT: Readonly<Record<string, string>> = {
  up: "Prometheus's own per-target series, not exposed on /metrics",
};

/** Every `expr` of the dashboards (panels nested in rows too) and of the alert rules. */
async function deployExpressions(): Promise<{ where: string; expr: string }[]> {
  const found: { where: string; expr: string }[] = [];
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) for (const item of node) walk(item, where);
    else if (node && typeof node === "object") {
      const fields = node as Record<string, unknown>;
      const here = typeof fields.title === "string" ? `${where} › ${fields.title}` : where;
      if (typeof fields.expr === "string") found.push({ where: here, expr: fields.expr });
      for (const value of Object.values(fields)) walk(value, here);
    }
  };
  walk(JSON.parse(await readFile("deploy/grafana/nemo-video-bot.json", "utf8")), "grafana");
  const alerts = parse(await readFile("deploy/prometheus/alerts.yml", "utf8")) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  };
  for (const rule of alerts.groups.flatMap((group) => group.rules))
    found.push({ where: `alert ${rule.alert}`, expr: String(rule.expr) });
  return found;
}

/** Metrics that note each finished job or export, so the scenario waits on events, not on time. */
class ProbeMetrics extends Metrics {
  readonly finished: string[] = [];
  override jobFinished(queue: string, outcome: string, seconds: Parameters<Metrics["jobFinished"]>[2]): void {
    super.jobFinished(queue, outcome, seconds);
    this.finished.push(`${queue}:${outcome}`);
  }
}

let bot: BotFixture | undefined;
let closeObservability: (() => Promise<void>) | undefined;
afterAll(async () => {
  await closeObservability?.();
  await bot?.dispose();
});

describe("every Grafana panel and alert rule has data after a scripted run", () => {
  it("turns, an upload, an export and a failure leave a sample for each selector", async () => {
    const sim = await startSimulator({ generationMs: 50, editMs: 5, renderSteps: 2 });
    const account = sim.createAccount({ balance: 100_000 });
    // An operator token: the credits alerts watch account="operator".
    const env = { NEMO_TOKEN: account.token };
    bot = await startBot(redis.url, { simulator: sim, workers: false, env });
    const fixture = bot;
    const metrics = new ProbeMetrics();
    const running = fixture.runtime.startWorkers();
    observeExports(running, metrics);
    // A process of a deployment that talks to Slack (its error series are the platform panels').
    const config = loadConfig({
      NEMO_API_URL: sim.url,
      REDIS_URL: redis.url,
      ADMIN_PORT: "0",
      SLACK_BOT_TOKEN: "xoxb-dashboard-test",
      SLACK_SIGNING_SECRET: "dashboard-signing-secret",
      ...env,
    });
    const observability = await startObservability({
      config,
      services: fixture.runtime.services,
      workers: running.workers,
      logger: silentLogger(),
      metrics,
    });
    closeObservability = async () => {
      await observability.close();
      await running.close();
    };
    const intake = metrics.counting(fixture.runtime.intake);
    const message = (thread: string, extra: Partial<Inbound>): Promise<void> =>
      intake.handle({
        id: randomUUID(),
        ref: fixture.ref(thread),
        user: { id: "u1" },
        text: "",
        attachments: [],
        ...extra,
      });
    const finished = (entry: string, count = 1) =>
      eventually(
        () => metrics.finished.filter((seen) => seen === entry).length >= count,
        30_000,
        `${entry} (seen: ${metrics.finished.join(", ")})`,
      );

    // A turn, an upload into the same project, then its export.
    await message("A", { text: "generate a video of a lighthouse" });
    await finished("turn:done");
    const clip = join(tmpdir(), `dash-${Date.now()}.mp4`);
    await writeFile(clip, Buffer.alloc(10_000, 3));
    const attachment = { name: "clip.mp4", size: 10_000, contentType: "video/mp4", auth: "none" as const };
    await message("A", { attachments: [{ ...attachment, url: pathToFileURL(clip).href }] });
    await finished("upload:done");
    await message("A", { action: { kind: "export" } });
    await finished("export:completed");
    // Failures: the backend answers a message with HTTP 500, and refuses another one (code 400).
    sim.inject("run_sse", { kind: "status", status: 500 });
    await message("F", { text: "generate a video of a storm" });
    await finished("turn:done", 2);
    sim.inject("run_sse", { kind: "code", code: 400, message: "bad request" });
    await message("G", { text: "generate a video of a meadow" });
    await finished("turn:done", 3);
    expect(fixture.messenger.transcript(fixture.ref("G"))).toMatch(/E-|code/i);

    expect(fixture.messenger.transcript(fixture.ref("F"))).toMatch(/NemoVideo answered with an error/);
    const body = await (await fetch(`http://127.0.0.1:${observability.adminPort}/metrics`)).text();
    const samples = parseExposition(body);
    const expressions = await deployExpressions();
    expect(expressions.length).toBeGreaterThan(20);
    const report: string[] = [];
    const empty: string[] = [];
    const seen = new Set<string>();
    for (const { where, expr } of expressions) {
      const selectors: Selector[] = selectorsOf(expr);
      expect(selectors.length, `${where}: ${expr}`).toBeGreaterThan(0);
      for (const selector of selectors) {
        if (seen.has(selector.text)) continue;
        seen.add(selector.text);
        if (NOT_FROM_THE_BOT[selector.metric]) {
          report.push(`${selector.text}  (excluded: ${NOT_FROM_THE_BOT[selector.metric]})`);
          continue;
        }
        const found = samples.find((sample) => selects(selector, sample));
        if (!found) empty.push(`${where}: ${selector.text}`);
        else
          report.push(
            `${selector.text}  ← ${found.name}{${Object.entries(found.labels)
              .map(([key, value]) => `${key}="${value}"`)
              .join(",")}} ${found.value}`,
          );
      }
    }
    process.stdout.write(`dashboard and alert selectors, each with a sample:\n  ${report.join("\n  ")}\n`);
    expect(empty, "selectors with no sample on /metrics").toEqual([]);
  }, 120_000);

  it("the check itself fails for a selector the bot never records", () => {
    const [selector] = selectorsOf('sum(rate(nemo_never_recorded_total{queue="turn"}[5m]))');
    const samples = parseExposition('nemo_job_errors_total{queue="turn",code="x"} 1\n');
    expect(selector?.metric).toBe("nemo_never_recorded_total");
    expect(samples.some((sample) => selects(selector!, sample))).toBe(false);
    const [labelled] = selectorsOf('nemo_job_errors_total{queue=~"upload|export"}');
    expect(samples.some((sample) => selects(labelled!, sample))).toBe(false);
  });
});
