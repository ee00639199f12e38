/**
 * `npm run bench:worker -- [<turns>] [--stream-ms <ms>] [--profile <dir>] [--keep-log <file>]`: the
 * worker's CPU per turn.
 * One gateway and one worker (TURN_CONCURRENCY = turns), `turns` (default 1000) generations of
 * `stream-ms` (default 20000, a heartbeat every 2 s) sent at once after a warm-up; prints the worker's CPU
 * ms per turn (/proc utime + stime, burst sent → last answer), Slack Web API calls per turn, end-to-end
 * p50 / p99, the bot's time before `/run_sse` and the worker's peak RSS over its idle RSS, per turn (the
 * full bench's "worker RSS per stream"). With `--profile`, the worker runs with `--cpu-prof` and
 * writes its profile into `<dir>` when it stops; the profile's self time is summarised by function and
 * by file (`node dist-bench/bench/cpu-profile.js <file>` does it again for any profile).
 */
import { copyFile, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import { summariseProfile } from "./cpu-profile.js";
import { cpuTicks, TICKS_PER_SECOND } from "./process-cpu.js";
import { openAdmin, openRedis } from "./redis.js";
import { generationSim, MESSAGE, startStack } from "./stack.js";
import { percentile } from "./stats.js";
import { burstBotTimes } from "./turn-times.js";

const args = process.argv.slice(2);
const flag = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const profileDir = flag("--profile");
const keepLog = flag("--keep-log");
const streamMs = Number(flag("--stream-ms") ?? 20_000);
const turns = Number(args[0] ?? 1_000);

const redis = await openRedis();
const admin = openAdmin(redis);
const stack = await startStack(redis, admin, {
  sim: generationSim(streamMs),
  overrides: {
    TURN_CONCURRENCY: String(turns),
    ...(process.env.BENCH_WORKER_ENV ? JSON.parse(process.env.BENCH_WORKER_ENV) : {}),
  },
  workerNodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
  name: "wcpu",
});
const worker = stack.workers[0]!;
try {
  const first = await stack.sender.mention("hello");
  await stack.sink.until(() => stack.sink.answeredAt.has(first.thread), 60_000, "warm-up answer");
  const baseline = worker.rss();
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, worker.rss());
  }, 100);
  const cpuBefore = cpuTicks(worker.pid);
  const callsBefore = stack.sink.calls;
  const messages = Array.from({ length: turns }, (_, i) => `${MESSAGE} (${i + 1})`);
  const sent = await Promise.all(messages.map((message) => stack.sender.mention(message)));
  await stack.sink.until(
    () => sent.every((s) => stack.sink.answeredAt.has(s.thread)),
    streamMs * 4 + turns * 60 + 60_000,
    `${turns} answers`,
  );
  const cpuMs = ((cpuTicks(worker.pid) - cpuBefore) * 1000) / TICKS_PER_SECOND;
  clearInterval(sampler);
  const e2e = sent.map((s) => stack.sink.answeredAt.get(s.thread)! - s.sentAt);
  const bot = await burstBotTimes(stack, messages, sent);
  console.log(
    `${turns} generations of ${streamMs} ms: worker CPU ${(cpuMs / turns).toFixed(2)} ms/turn (${(cpuMs / 1000).toFixed(1)} s), ` +
      `Slack calls ${((stack.sink.calls - callsBefore) / turns).toFixed(2)}/turn, ` +
      `e2e p50 ${percentile(e2e, 0.5).toFixed(0)} ms p99 ${percentile(e2e, 0.99).toFixed(0)} ms, ` +
      `before /run_sse p10/p50/p90/p99 ${[0.1, 0.5, 0.9, 0.99].map((p) => percentile(bot.before, p).toFixed(0)).join(" / ")} ms, ` +
      `after the stream p50 ${percentile(bot.after, 0.5).toFixed(0)} ms, ` +
      `peak RSS ${((peak - baseline) / 1024 / turns).toFixed(1)} KB/turn over the idle worker`,
  );
} finally {
  // The worker's log (its stdout), kept before the stack removes its files.
  if (keepLog) await copyFile(await readlink(`/proc/${worker.pid}/fd/1`), keepLog).catch(() => undefined);
  await stack.stop();
  admin.disconnect();
  await redis.stop();
}
if (profileDir) {
  const files = (await readdir(profileDir)).filter((name) => name.endsWith(".cpuprofile")).sort();
  const last = files.at(-1);
  if (last) console.log(`${join(profileDir, last)}\n${await summariseProfile(join(profileDir, last))}`);
}
