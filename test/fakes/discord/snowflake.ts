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

/** A fresh guild snowflake that Discord routes to `shard` of `count`: `(id >> 22) % count === shard`. */
export function snowflakeOnShard(shard: number, count: number): string {
  const id = BigInt(snowflake());
  const timestamp = id >> 22n;
  const offset = (BigInt(shard) - (timestamp % BigInt(count)) + BigInt(count)) % BigInt(count);
  return (((timestamp + offset) << 22n) | (id & 0x3fffffn)).toString();
}

/** The shard Discord routes a guild's events to (`(guild_id >> 22) % shard_count`). */
export function shardOf(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}
