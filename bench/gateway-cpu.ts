/**
 * `npm run bench:gateway [-- <events> [--profile <dir>]]`: the gateway's CPU per inbound Slack event
 * alone (no worker: the events are acknowledged and queued, nothing more), for profiling the inbound
 * path cheaply. Five bursts of `events` (default 1000) signed `app_mention`s after a warm-up of
 * {@link WARM_UP} events; prints CPU ms per event (its threads' scheduler runtime, /proc) and the acknowledgement p50 / p99
 * of each burst, then the median CPU per event of bursts 2–5 (the first still warms the JIT up). With
 * `--profile`, the gateway runs with `--cpu-prof` and writes its profile into `<dir>` when it stops.
 */
import { cpuMs } from "./process-cpu.js";
import { openAdmin, openRedis } from "./redis.js";
import { generationSim, MESSAGE, startStack } from "./stack.js";
import { percentile } from "./stats.js";

const args = process.argv.slice(2);
const profileAt = args.indexOf("--profile");
const profileDir = profileAt >= 0 ? args.splice(profileAt, 2)[1] : undefined;
const events = Number(args[0] ?? 1_000);
const BURSTS = 5;
const WARM_UP = 200;

const redis = await openRedis();
const admin = openAdmin(redis);
const gatewayNodeArgs = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
const stack = await startStack(redis, admin, {
  sim: generationSim(2_000),
  workers: 0,
  gatewayNodeArgs,
  name: "gwcpu",
});
try {
  const gateway = stack.processes[0]!;
  await Promise.all(Array.from({ length: WARM_UP }, (_, i) => stack.sender.mention(`warm ${i}`)));
  const perEvent: number[] = [];
  for (let burst = 1; burst <= BURSTS; burst++) {
    const before = cpuMs(gateway.pid);
    const sent = await Promise.all(
      Array.from({ length: events }, (_, i) => stack.sender.mention(`${MESSAGE} (${burst}.${i})`)),
    );
    const msPerEvent = (cpuMs(gateway.pid) - before) / events;
    if (burst > 1) perEvent.push(msPerEvent);
    const acks = sent.map((s) => s.ackMs);
    const refused = sent.filter((s) => s.status !== 200).length;
    console.log(
      `burst ${burst}: ${events} events, gateway CPU ${msPerEvent.toFixed(3)} ms/event, ack p50 ${percentile(acks, 0.5).toFixed(0)} ms p99 ${percentile(acks, 0.99).toFixed(0)} ms, not 200 at first: ${refused}`,
    );
  }
  console.log(
    `gateway CPU per event, median of bursts 2–${BURSTS} (after ${WARM_UP} warm-up events and burst 1): ${percentile(perEvent, 0.5).toFixed(3)} ms`,
  );
} finally {
  await stack.stop();
  admin.disconnect();
  await redis.stop();
}
