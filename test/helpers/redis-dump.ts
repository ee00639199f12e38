import type { Redis } from "ioredis";

/** Every key and value in Redis, as one string (strings, hashes, lists, sets, sorted sets, streams). */
export async function dumpRedis(client: Redis): Promise<string> {
  const parts: string[] = [];
  for (const key of await client.keys("*")) {
    const type = await client.type(key);
    parts.push(key);
    if (type === "string") parts.push((await client.get(key)) ?? "");
    else if (type === "hash") parts.push(JSON.stringify(await client.hgetall(key)));
    else if (type === "list") parts.push(JSON.stringify(await client.lrange(key, 0, -1)));
    else if (type === "set") parts.push(JSON.stringify(await client.smembers(key)));
    else if (type === "zset") parts.push(JSON.stringify(await client.zrange(key, 0, -1)));
    else if (type === "stream") parts.push(JSON.stringify(await client.xrange(key, "-", "+")));
  }
  return parts.join("\n");
}
