import { readFileSync } from "node:fs";

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
