import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { registerCreditsMetric } from "../src/app/credits-metric.js";
import { Metrics } from "../src/app/metrics.js";
import { registerQueueMetrics } from "../src/app/queue-metrics.js";

interface Rule {
  alert?: string;
  expr?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}

const alerts = parse(await readFile("deploy/prometheus/alerts.yml", "utf8")) as {
  groups: { name: string; rules: Rule[] }[];
};
const dashboard = JSON.parse(await readFile("deploy/grafana/nemo-video-bot.json", "utf8")) as {
  uid: string;
  panels: Panel[];
};
const rules = alerts.groups.flatMap((group) => group.rules);
const panelExprs = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));

/** Every metric name the app exposes (histograms with their series suffixes). */
async function exposedNames(): Promise<Set<string>> {
  const metrics = new Metrics();
  registerQueueMetrics(metrics.registry, []);
  registerCreditsMetric(metrics.registry, "operator", async () => 0);
  const names = new Set<string>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === "histogram")
      for (const suffix of ["_bucket", "_count", "_sum"]) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

const referenced = (expr: string) => expr.match(/\bnemo_[a-z0-9_]+/g) ?? [];

function promtool(): string | undefined {
  try {
    execFileSync("promtool", ["--version"], { stdio: "ignore" });
    return "promtool";
  } catch {
    return undefined;
  }
}

describe("deploy/: Prometheus alert rules and the Grafana dashboard", () => {
  it("alert rules parse, and each has an expression, a severity and a summary", () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^Nemo[A-Za-z]+$/);
      expect(rule.expr?.trim()).toBeTruthy();
      expect(["warning", "critical"]).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
    }
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    // The failure modes of the issue: backend unreachable, queue age, stalled jobs, rate limits, credits low.
    for (const wanted of [
      "BackendUnreachable",
      "QueueAgeHigh",
      "JobsStalled",
      "PlatformRateLimited",
      "CreditsLow",
    ])
      expect(names).toContain(`Nemo${wanted}`);
  });

  it("alerts and panels only use metrics the app exposes", async () => {
    const names = await exposedNames();
    const used = [...rules.map((rule) => rule.expr ?? ""), ...panelExprs].flatMap(referenced);
    expect(used.length).toBeGreaterThan(20);
    expect(used.filter((name) => !names.has(name))).toEqual([]);
  });

  it("the dashboard has the panels operators look for", () => {
    expect(dashboard.uid).toBe("nemo-video-bot");
    const titles = dashboard.panels.filter((panel) => panel.type !== "row").map((panel) => panel.title);
    for (const wanted of [
      /queue depth/i,
      /oldest job age/i,
      /open backend streams/i,
      /turn duration/i,
      /export duration/i,
      /outcomes/i,
      /backend errors/i,
      /rate limits/i,
      /takeovers and recoveries/i,
      /deliveries retried/i,
      /memory/i,
      /cpu/i,
    ])
      expect(
        titles.some((title) => wanted.test(title)),
        String(wanted),
      ).toBe(true);
  });

  it.skipIf(promtool() === undefined)(
    "promtool accepts the alert rules and the dashboard's queries (skipped: promtool not installed)",
    async () => {
      execFileSync("promtool", ["check", "rules", "deploy/prometheus/alerts.yml"], { stdio: "pipe" });
      // The dashboard's queries as recording rules: promtool parses each one.
      const dir = await mkdtemp(join(tmpdir(), "nemo-promql-"));
      try {
        const file = join(dir, "panels.yml");
        const recorded = panelExprs.map((expr, index) => ({ record: `nemo_panel:${index}`, expr }));
        await writeFile(file, JSON.stringify({ groups: [{ name: "panels", rules: recorded }] }));
        execFileSync("promtool", ["check", "rules", file], { stdio: "pipe" });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
