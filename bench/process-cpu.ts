import { readdirSync, readFileSync } from "node:fs";

/** Linux reports process CPU in clock ticks of 1/100 s. */
export const TICKS_PER_SECOND = 100;

/** utime + stime of a process in clock ticks (0 when it is gone). */
export function cpuTicks(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/**
 * CPU time of a process in ms, to the microsecond: the scheduler's `se.sum_exec_runtime` of each of its
 * threads (`/proc/<pid>/task/<tid>/sched`), which a burst of 100 events needs (10 ms ticks are a third
 * of its cost); falls back to the ticks where the kernel does not expose it.
 */
export function cpuMs(pid: number | undefined): number {
  try {
    let total = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const sched = readFileSync(`/proc/${pid}/task/${tid}/sched`, "utf8");
      const runtime = /se\.sum_exec_runtime\s*:\s*([\d.]+)/.exec(sched);
      if (!runtime) throw new Error("no sum_exec_runtime");
      total += Number(runtime[1]);
    }
    return total;
  } catch {
    return (cpuTicks(pid) * 1000) / TICKS_PER_SECOND;
  }
}
