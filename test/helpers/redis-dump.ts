import type { Redis } from "ioredis";
import type { RedisClient } from "../../src/redis/connect.js";

/** Every key under `pattern` and its value, as text (strings, hashes, lists, sets, sorted sets, streams). */
export async function dumpKeys(
  client: RedisClient | Redis,
  pattern: string,
): Promise<{ key: string; value: string }[]> {
  const dumped: { key: string; value: string }[] = [];
  for (const key of await client.keys(pattern)) {
    const type = await client.type(key);
    let value = "";
    if (type === "string") value = (await client.get(key)) ?? "";
    else if (type === "hash") value = JSON.stringify(await client.hgetall(key));
    else if (type === "list") value = JSON.stringify(await client.lrange(key, 0, -1));
    else if (type === "set") value = JSON.stringify(await client.smembers(key));
    else if (type === "zset") value = JSON.stringify(await client.zrange(key, 0, -1));
    else if (type === "stream") value = JSON.stringify(await client.xrange(key, "-", "+"));
    dumped.push({ key, value });
  }
  return dumped;
}

/** Every key and value in Redis, as one string. */
export async function dumpRedis(client: Redis): Promise<string> {
  return (await dumpKeys(client, "*")).flatMap(({ key, value }) => [key, value]).join("\n");
}
