import { randomUUID } from "node:crypto";
import { createInterface, type Interface } from "node:readline";
import type { ConversationRef } from "../../core/conversation/conversation-ref.js";
import type { Attachment, Inbound, InboundHandler } from "../../core/conversation/inbound.js";
import { attachmentFromPath } from "./attachment-from-path.js";
import type { ConsoleMessenger } from "./console-messenger.js";
import { COMMAND_LIST, type ConsoleLine, parseConsoleLine } from "./parse-console-line.js";

export interface ConsoleAdapterConfig {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Receives every inbound message; the core behind it orders work per thread. */
  handler: InboundHandler;
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
  const { handler, messenger } = config;
  const isTTY = config.isTTY ?? (config.output as { isTTY?: boolean }).isTTY === true;
  const locale = config.locale ?? Intl.DateTimeFormat().resolvedOptions().locale;
  const user = config.userName ? { id: config.userName, name: config.userName } : { id: "local" };
  const threads = new Set<string>(["main"]);
  const inFlight = new Set<Promise<void>>();
  let thread = "main";
  let rl: Interface | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  // Lines are prepared one after another (an /attach stats its file) so they reach the core in the
  // order typed; the hand-off itself is not awaited, the core orders work per thread.
  let lines: Promise<void> = Promise.resolve();

  const refFor = (name: string): ConversationRef => ({
    platform: "console",
    workspace: "local",
    channel: "console",
    thread: name,
  });

  function send(
    ref: ConversationRef,
    fields: Pick<Inbound, "text" | "action"> & { attachments?: Attachment[] },
  ): void {
    const inbound: Inbound = {
      id: `console-${randomUUID()}`,
      ref,
      user,
      text: fields.text,
      attachments: fields.attachments ?? [],
      locale,
    };
    if (fields.action) inbound.action = fields.action;
    // A handler that throws instead of rejecting is caught the same way.
    const handed = new Promise<void>((resolve) => resolve(handler.handle(inbound))).catch(
      (error: unknown) => {
        messenger.print(`✘ Could not send that: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    inFlight.add(handed);
    void handed.finally(() => inFlight.delete(handed));
  }

  async function run(line: ConsoleLine): Promise<void> {
    switch (line.type) {
      case "empty":
        return;
      case "text":
        return send(refFor(thread), { text: line.text });
      case "action":
        return send(refFor(thread), { text: line.text, action: { kind: line.kind } });
      case "choice": {
        const choice = messenger.choice(line.n);
        if (!choice)
          return messenger.print(`No choice [${line.n}]: type one of the numbers shown in brackets.`);
        return send(choice.ref, { text: "", action: { kind: choice.kind, arg: choice.arg } });
      }
      case "attach": {
        const attachment = await attachmentFromPath(line.path).catch((error: Error) => {
          messenger.print(`✘ ${error.message}`);
        });
        if (attachment) send(refFor(thread), { text: line.text, attachments: [attachment] });
        return;
      }
      case "thread":
        if (line.name === undefined) return messenger.print(`In thread ${thread}. /thread NAME switches.`);
        thread = line.name;
        threads.add(thread);
        messenger.setCurrentThread(thread);
        return messenger.print(`Now in thread ${thread}`);
      case "threads":
        return messenger.print(
          `Threads: ${[...threads].map((t) => (t === thread ? `${t} *` : t)).join(", ")}`,
        );
      case "quit":
        stopped = true;
        rl?.close();
        return;
      case "invalid":
        return messenger.print(line.message);
    }
  }

  function onLine(text: string): void {
    messenger.markInput();
    lines = lines.then(async () => {
      if (stopped) return;
      await run(parseConsoleLine(text));
      if (isTTY && !stopped) rl?.prompt(true);
    });
  }

  function start(): Promise<void> {
    running ??= new Promise<void>((resolve) => {
      const reader = createInterface({ input: config.input, output: config.output, terminal: isTTY });
      rl = reader;
      reader.setPrompt(PROMPT);
      if (isTTY) messenger.onPrinted = () => reader.prompt(true);
      messenger.setCurrentThread(thread);
      messenger.print(
        `Nemo video console (thread ${thread}). Type to talk to the bot, a number to pick a [choice].\n` +
          `Commands: ${COMMAND_LIST}`,
      );
      reader.on("line", onLine);
      reader.on("SIGINT", () => reader.close());
      reader.once("close", () => {
        void lines
          .then(() => Promise.allSettled([...inFlight]))
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
    stop() {
      stopped = true;
      rl?.close();
    },
    get thread() {
      return thread;
    },
  };
}
