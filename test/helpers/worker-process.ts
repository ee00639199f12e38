// A bot worker in its own process (role "worker"), for crash tests: env gives Redis, backend and prefix.
// TEST_TIMINGS (JSON) overrides FAST_TIMINGS; TEST_HANG_ANSWERS makes every post/edit whose text contains
// it hang forever (a delivery that never happens, for a kill between the stream's end and the answer).
import { Runtime } from "../../src/app/runtime.js";
import { loadConfig } from "../../src/config/config.js";
import type { Timings } from "../../src/config/timings.js";
import type { Messenger } from "../../src/core/conversation/messenger.js";
import { silentLogger } from "../../src/core/logger.js";
import { connectRedis } from "../../src/redis/connect.js";
import { redisTargetFrom } from "../../src/redis/redis-target.js";
import { FAST_TIMINGS } from "./bot-fixture.js";
import { RedisTranscriptMessenger } from "./redis-transcript-messenger.js";

const config = loadConfig({ ...process.env });
const prefix = process.env.TEST_PREFIX!;
const transcriptRedis = connectRedis(redisTargetFrom(config.REDIS_URL)!, {});
const transcript = new RedisTranscriptMessenger(transcriptRedis, `transcript:${prefix}`);
const hang = process.env.TEST_HANG_ANSWERS;
const messenger: Messenger = hang
  ? {
      post: (ref, reply) =>
        reply.text?.includes(hang) ? new Promise(() => {}) : transcript.post(ref, reply),
      edit: (ref, id, reply) =>
        reply.text?.includes(hang) ? new Promise(() => {}) : transcript.edit(ref, id, reply),
    }
  : transcript;
const timings: Partial<Timings> = {
  ...FAST_TIMINGS,
  ...(process.env.TEST_TIMINGS ? (JSON.parse(process.env.TEST_TIMINGS) as Partial<Timings>) : {}),
};
const runtime = await Runtime.create({
  config,
  logger: silentLogger(),
  messengers: { console: messenger },
  prefix,
  timings,
});
runtime.startWorkers();
process.stdout.write("worker-ready\n");
process.once("SIGTERM", () => {
  void runtime.close().then(() => process.exit(0));
});
