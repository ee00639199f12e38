import { randomUUID } from "node:crypto";
import { PassThrough, Writable } from "node:stream";
import { ConsoleMessenger, createConsoleAdapter } from "../../src/adapters/console/index.js";
import { Runtime } from "../../src/app/runtime.js";
import { loadConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/core/logger.js";
import { FAST_TIMINGS } from "./bot-fixture.js";

/** The console chat on the whole runtime (Redis, workers, simulator), typed into line by line. */
export interface ConsoleChat {
  runtime: Runtime;
  /** Everything the console printed so far. */
  output(): string;
  /** Types `line` and Enter. */
  type(line: string): void;
  /** Ends the input, waits for the console to stop, closes the runtime. */
  close(): Promise<void>;
}

export async function startConsoleChat(options: {
  simUrl: string;
  redisUrl: string;
  locale: string;
  userName?: string;
}): Promise<ConsoleChat> {
  let written = "";
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      written += chunk.toString();
      callback();
    },
  });
  const input = new PassThrough();
  const messenger = new ConsoleMessenger({ output, isTTY: false });
  const runtime = await Runtime.create({
    config: loadConfig({
      NEMO_API_URL: options.simUrl,
      NEMO_WEB_URL: "https://web.example",
      REDIS_URL: options.redisUrl,
    }),
    logger: silentLogger(),
    messengers: { console: messenger },
    prefix: `cc${randomUUID().slice(0, 8)}`,
    timings: FAST_TIMINGS,
    rateLimitWaitMs: 50,
  });
  runtime.startWorkers({ turn: 4 });
  const adapter = createConsoleAdapter({
    input,
    output,
    handler: runtime.intake,
    messenger,
    locale: options.locale,
    ...(options.userName ? { userName: options.userName } : {}),
    isTTY: false,
  });
  const done = adapter.start();
  return {
    runtime,
    output: () => written,
    type: (line) => input.write(`${line}\n`),
    close: async () => {
      input.end();
      await done;
      await runtime.close();
    },
  };
}
