// A bot worker in its own process (role "worker"), for crash tests: env gives Redis, backend and prefix.
import { Redis } from "ioredis";
import { Runtime } from "../../src/app/runtime.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/core/logger.js";
import { FAST_TIMINGS } from "./bot-fixture.js";
import { RedisTranscriptMessenger } from "./redis-transcript-messenger.js";

const config = loadConfig({ ...process.env });
const prefix = process.env.TEST_PREFIX!;
const transcriptRedis = new Redis(config.REDIS_URL!);
const runtime = await Runtime.create({
  config,
  logger: silentLogger(),
  messengers: { console: new RedisTranscriptMessenger(transcriptRedis, `transcript:${prefix}`) },
  prefix,
  timings: FAST_TIMINGS,
});
runtime.startWorkers();
process.stdout.write("worker-ready\n");
process.once("SIGTERM", () => {
  void runtime.close().then(() => process.exit(0));
});
