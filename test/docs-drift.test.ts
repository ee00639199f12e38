import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { COMMAND_LIST } from "../src/adapters/console/parse-console-line.js";
import { SLASH_COMMANDS } from "../src/adapters/discord/index.js";
import { STOP_MARGIN_MS } from "../src/app/run-bot.js";
import { describeConcurrency, workerConcurrency } from "../src/config/concurrency.js";
import { loadConfig } from "../src/config/config.js";
import { PRODUCTION_TIMINGS } from "../src/config/timings.js";
import { DOCTOR_EXIT } from "../src/doctor/report.js";

/**
 * Numbers the docs state that come from the code: the schema's defaults and what is derived from them,
 * the timings, the stop bound against every supervisor's grace period. A change of a default fails here
 * until the docs say the new number.
 */
const read = (path: string) => readFile(path, "utf8");
/** Markdown with its line breaks and table padding folded, so a phrase may wrap. */
const prose = async (path: string) => (await read(path)).replace(/\s+/g, " ");
const defaults = loadConfig({});
const concurrency = workerConcurrency(defaults);
const seconds = (ms: number) => ms / 1000;

describe("docs say the numbers the code uses", () => {
  it("per-worker concurrency and backend connections (operations, backend protocol) match the schema and doctor", async () => {
    const connections = defaults.NEMO_MAX_CONNECTIONS!;
    const headroom = connections - concurrency.turn - concurrency.upload - concurrency.export;
    // doctor prints the same numbers.
    expect(describeConcurrency(defaults)).toContain(`turns ${concurrency.turn},`);
    expect(describeConcurrency(defaults)).toContain(`${connections} backend connections`);
    const operations = await prose("docs/operations.md");
    expect(operations).toContain(
      `Each worker process runs up to ${concurrency.turn} turns, ${concurrency.upload} uploads, ` +
        `${concurrency.export} export polls and ${concurrency.deliver} deliveries at once`,
    );
    expect(operations).toContain(`defaults to their sum plus ${headroom} (${connections} with the defaults)`);
    expect(await prose("docs/backend-protocol.md")).toContain(
      `(default: turn + upload + export concurrency + ${headroom}, ${connections} with the defaults)`,
    );
    expect(await prose("deploy/README.md")).toContain(
      `(\`TURN_CONCURRENCY\` each, ${concurrency.turn} by default)`,
    );
    const configMap = parse(await read("deploy/k8s/configmap.yaml")) as { data: Record<string, string> };
    expect(Number(configMap.data.TURN_CONCURRENCY)).toBe(concurrency.turn);
  });

  it("recovery polls: the first delay and the cadence after it (backend protocol, architecture)", async () => {
    const [first, second, third] = PRODUCTION_TIMINGS.recoveryDelaysMs.map(seconds);
    expect(defaults.RECOVERY_FIRST_DELAY_MS).toBe(PRODUCTION_TIMINGS.recoveryDelaysMs[0]);
    const minutes = Math.round(PRODUCTION_TIMINGS.recoveryDelaysMs.reduce((a, b) => a + b, 0) / 60_000);
    expect(await prose("docs/backend-protocol.md")).toContain(
      `polls the state (${first} s, then ${second} s, then every ${third} s, about ${minutes} minutes)`,
    );
    expect(await prose("docs/architecture.md")).toContain(
      `| recovery polls after a lost stream | ${first} s, then ${second} s, ${third} s … (~${minutes} minutes) |`,
    );
  });

  it("the stop bound fits every grace period: compose, Kubernetes, the docs, the comments", async () => {
    const grace = seconds(PRODUCTION_TIMINGS.shutdownGraceMs);
    const bound = grace + seconds(STOP_MARGIN_MS);
    const compose = parse(await read("docker-compose.yml")) as { "x-bot": { stop_grace_period: string } };
    const composeGrace = Number(/^(\d+)s$/.exec(compose["x-bot"].stop_grace_period)?.[1]);
    expect(composeGrace).toBeGreaterThan(bound);
    for (const file of ["gateway.yaml", "worker.yaml"]) {
      for (const document of parseAllDocuments(await read(`deploy/k8s/${file}`))) {
        const resource = document.toJSON() as {
          kind: string;
          spec: { template: { spec: Record<string, number> } };
        };
        if (resource.kind !== "Deployment") continue;
        expect(resource.spec.template.spec.terminationGracePeriodSeconds, file).toBe(composeGrace);
      }
    }
    const operations = await prose("docs/operations.md");
    expect(operations).toContain(`\`stop_grace_period: ${composeGrace}s\``);
    expect(operations).toContain(`finish for up to ${grace} s`);
    expect(operations).toContain(`${bound} s at most in all. ${composeGrace} s leaves room`);
    expect(operations).toContain(`waits at least ${composeGrace} s before SIGKILL`);
    expect(operations).not.toMatch(/stop_grace_period: (?!45s)\d+s/);
    expect(await read("docker-compose.yml")).toContain(
      `(${grace} s grace for running streams + ${seconds(STOP_MARGIN_MS)} s for queues and Redis)`,
    );
    expect(await prose("docs/architecture.md")).toContain(`| shutdown grace | ${grace} s |`);
  });

  it("the Dockerfile names every exit code of doctor", async () => {
    const dockerfile = await read("Dockerfile");
    const line = dockerfile.slice(
      dockerfile.indexOf("IMAGE doctor"),
      dockerfile.indexOf("# The production image"),
    );
    for (const code of Object.values(DOCTOR_EXIT))
      expect(line).toMatch(new RegExp(`exit [^\\n]*\\b${code}\\b|\\b${code} `));
    expect(line).toContain(`${DOCTOR_EXIT.backendReadyNoChat} backend ready but no chat platform`);
  });

  it("the compose demo's links open the simulator it talks to, never the real site", async () => {
    const compose = parse(await read("docker-compose.yml")) as {
      services: Record<string, { command?: string[]; environment?: Record<string, string> }>;
    };
    const simulator = compose.services.simulator!.command!;
    const publicUrl = simulator[simulator.indexOf("--public-url") + 1];
    const console = compose.services.console!.environment!;
    expect(console.NEMO_API_URL).toMatch(/^http:\/\/simulator:/);
    expect(console.NEMO_WEB_URL).toBe(publicUrl);
  });

  it("README's console table lists every console command", async () => {
    const readme = await read("README.md");
    const section = readme.slice(readme.indexOf("## Console chat"), readme.indexOf("## Discord"));
    for (const command of COMMAND_LIST.split(", ").map((entry) => entry.split(" ")[0]!)) {
      expect(section, command).toMatch(new RegExp(`\\| [^|\\n]*\`${command.replace("/", "\\/")}[\\s\`]`));
    }
  });
});

/** A README section: from its heading to the next `## `. */
async function section(heading: string): Promise<string> {
  const readme = await read("README.md");
  const start = readme.indexOf(`## ${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf("\n## ", start + 3);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The text of each numbered step (`1. …`) of a section, in order; the numbers must run 1, 2, 3… */
function steps(text: string): string[] {
  const found = [...text.matchAll(/^(\d+)\. ([\s\S]*?)(?=^\d+\. |^\S|\n\n)/gm)];
  expect(found.map((match) => Number(match[1]))).toEqual(found.map((_, i) => i + 1));
  return found.map((match) => match[2]!.replace(/\s+/g, " "));
}

describe("README takes an operator from nothing to an answer, step by step", () => {
  it("Slack: manifest placeholders (as many as the manifest has), secrets into .env, reachable first, invite, doctor, start", async () => {
    const slack = steps(await section("Slack"));
    expect(slack.length).toBeGreaterThanOrEqual(7);
    const manifest = await read("slack/manifest.yml");
    const placeholders = manifest
      .split("\n")
      .filter((line) => !line.trimStart().startsWith("#") && line.includes("YOUR-HOST")).length;
    const words = ["one", "two", "three", "four", "five"];
    const order = (needle: RegExp) => slack.findIndex((step) => needle.test(step));
    expect(slack.find((step) => step.includes("slack/manifest.yml"))).toContain(
      `\`YOUR-HOST\` with your public host in **${words[placeholders - 1]} places**`,
    );
    expect(order(/api\.slack\.com\/apps/)).toBeGreaterThan(order(/YOUR-HOST/));
    expect(slack[order(/\.env/)]).toMatch(/Signing Secret.*SLACK_SIGNING_SECRET/);
    expect(slack[order(/\.env/)]).toContain("SLACK_BOT_TOKEN");
    expect(order(/npm run doctor/)).toBeGreaterThan(order(/\.env/));
    expect(slack[order(/npm start/)]).toMatch(/before\*\* Slack verifies the Request URL/);
    expect(order(/\/invite @/)).toBeGreaterThan(order(/npm start/));
    expect(order(/Talk/)).toBe(slack.length - 1);
  });

  it("Discord: portal, token into .env, Message Content, doctor, invite, start, talk", async () => {
    const text = await section("Discord");
    const discord = steps(text);
    expect(discord.length).toBeGreaterThanOrEqual(6);
    const order = (needle: RegExp) => discord.findIndex((step) => needle.test(step));
    expect(order(/discord\.com\/developers/)).toBe(0);
    expect(discord[order(/\.env/)]).toContain("DISCORD_TOKEN");
    expect(discord[order(/Message Content/)]).toContain("DISCORD_MESSAGE_CONTENT=false");
    expect(order(/npm run doctor/)).toBeGreaterThan(order(/\.env/));
    expect(order(/Invite the bot/)).toBeGreaterThan(order(/npm run doctor/));
    expect(order(/npm start/)).toBeGreaterThan(order(/Invite the bot/));
    expect(order(/Talk/)).toBe(discord.length - 1);
    // Every slash command the bot registers is named.
    for (const command of SLASH_COMMANDS) expect(text, command.name).toContain(`\`/${command.name}\``);
  });
});

describe("the deployment diagram", () => {
  it("architecture and operations draw the processes and what they talk to", async () => {
    for (const path of ["docs/architecture.md", "docs/operations.md"]) {
      const blocks = [...(await read(path)).matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
      const deployment = blocks.find((block) => block.includes("--role worker"));
      expect(deployment, path).toBeDefined();
      for (const part of [
        "--role gateway",
        "--role worker",
        "Redis",
        "Prometheus",
        "KEDA",
        "Slack",
        "Discord",
        "NemoVideo",
      ])
        expect(deployment, `${path}: ${part}`).toContain(part);
      expect(deployment).toMatch(
        /prometheus -- "scrape \/metrics on ADMIN_PORT, Bearer ADMIN_TOKEN" --> gateway/,
      );
      expect(deployment).toMatch(/keda -- "scale replicas" --> workers/);
    }
  });
});
