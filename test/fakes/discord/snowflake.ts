const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;

/** A fresh, increasing Discord snowflake (timestamp-based, like the real ones). */
export function snowflake(): string {
  increment = (increment + 1n) & 0xfffn;
  return (
    ((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) |
    (BigInt(process.pid & 0x3ff) << 12n) |
    increment
  ).toString();
}
