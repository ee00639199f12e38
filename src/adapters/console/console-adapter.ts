import { createInterface, type Interface } from "node:readline";
import type { IntakePort } from "../../core/conversation/inbound.js";
import { CONSOLE_USER } from "../../core/conversation/place.js";
import { createConsoleSender } from "./console-inbound.js";
import type { ConsoleMessenger } from "./console-messenger.js";
import { COMMAND_LIST, parseConsoleLine } from "./parse-console-line.js";
import { type ConsoleSession, runConsoleLine } from "./run-console-line.js";

export interface ConsoleAdapterConfig {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Receives every inbound message; the core behind it orders work per thread. */
  handler: IntakePort;
  /** The messenger the core replies through; the adapter prints its local lines through it too. */
  messenger: ConsoleMessenger;
  /** BCP 47 locale of the user; defaults to the system's. */
  locale?: string;
  userName?: string;
  /** Whether input and output are a terminal (prompt, line editing); defaults to `output.isTTY`. */
  isTTY?: boolean;
}

export interface ConsoleAdapter {
  /** Reads lines until the input ends or `/quit`; resolves once the last message is handed over. */
  start(): Promise<void>;
  /** Stops reading; lines not yet handled are dropped and `start()` resolves. */
  stop(): void;
  /** The thread typed messages go to. */
  readonly thread: string;
}

const PROMPT = "> ";

/** A terminal chat on the same core and queues as Discord and Slack: each line becomes an `Inbound`. */
export function createConsoleAdapter(config: ConsoleAdapterConfig): ConsoleAdapter {
  const { messenger } = config;
  const isTTY = config.isTTY ?? (config.output as { isTTY?: boolean }).isTTY === true;
  const sender = createConsoleSender({
    handler: config.handler,
    messenger,
    user: config.userName ? { id: config.userName, name: config.userName } : { id: CONSOLE_USER },
    locale: config.locale ?? Intl.DateTimeFormat().resolvedOptions().locale,
  });
  let rl: Interface | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const stop = () => {
    stopped = true;
    rl?.close();
  };
  const session: ConsoleSession = { thread: "main", threads: new Set(["main"]), quit: stop };
  // Lines are prepared one after another (an /attach stats its file) so they reach the core in the
  // order typed; the hand-off itself is not awaited, the core orders work per thread.
  let lines: Promise<void> = Promise.resolve();

  function onLine(text: string): void {
    messenger.markInput();
    lines = lines.then(async () => {
      if (stopped) return;
      await runConsoleLine(parseConsoleLine(text), session, messenger, sender);
      if (isTTY && !stopped) rl?.prompt(true);
    });
  }

  function start(): Promise<void> {
    running ??= new Promise<void>((resolve) => {
      const reader = createInterface({ input: config.input, output: config.output, terminal: isTTY });
      rl = reader;
      reader.setPrompt(PROMPT);
      if (isTTY) messenger.onPrinted = () => reader.prompt(true);
      messenger.setCurrentThread(session.thread);
      messenger.print(
        `Nemo video console (thread ${session.thread}). Type to talk to the bot, a number to pick a [choice].\n` +
          `Commands: ${COMMAND_LIST}`,
      );
      reader.on("line", onLine);
      reader.on("SIGINT", () => reader.close());
      reader.once("close", () => {
        void lines
          .then(() => sender.settled())
          .then(() => {
            messenger.onPrinted = undefined;
            resolve();
          });
      });
    });
    return running;
  }

  return {
    start,
    stop,
    get thread() {
      return session.thread;
    },
  };
}
