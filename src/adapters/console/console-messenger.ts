import { randomUUID } from "node:crypto";
import { clearLine, clearScreenDown, cursorTo, moveCursor } from "node:readline";
import { type ConversationRef, refKey } from "../../core/conversation/conversation-ref.js";
import type { Messenger } from "../../core/conversation/messenger.js";
import type { ActionKind, Reply } from "../../core/conversation/reply.js";
import { MessageNotFoundError } from "./message-not-found-error.js";
import { consoleActions, renderConsoleReply } from "./render-console.js";
import { terminalRows } from "./terminal-rows.js";

/** What a numbered choice stands for: the action of a printed reply, in that reply's thread. */
export interface ConsoleChoice {
  ref: ConversationRef;
  kind: ActionKind;
  arg?: string | undefined;
}

export interface ConsoleMessengerOptions {
  output: NodeJS.WritableStream;
  /** Whether `output` is a terminal (edits in place); defaults to `output.isTTY`. */
  isTTY?: boolean | undefined;
  /** Called after every write, e.g. to redraw the input prompt below the new text. */
  onPrinted?: (() => void) | undefined;
}

interface PrintedMessage {
  ref: ConversationRef;
  /** Choice numbers of the actions of the message's latest version, in order. */
  choices: number[];
}

/**
 * The console's `Messenger`: prints replies as plain-text blocks, numbers their actions so the user can
 * pick one by typing the number, and shows edits in place on a terminal.
 */
export class ConsoleMessenger implements Messenger {
  /** Called after every write; the adapter redraws its prompt here so output never garbles typing. */
  onPrinted: (() => void) | undefined;
  private readonly output: NodeJS.WritableStream;
  private readonly isTTY: boolean;
  private readonly messages = new Map<string, PrintedMessage>();
  private readonly choices = new Map<number, ConsoleChoice>();
  private nextMessage = 1;
  private nextChoice = 1;
  private current = "main";
  /** The message printed last, when nothing (not even the user's input) has been printed below it. */
  private last: { messageId: string; rows: number } | undefined;

  constructor(options: ConsoleMessengerOptions) {
    this.output = options.output;
    this.isTTY = options.isTTY ?? (options.output as { isTTY?: boolean }).isTTY === true;
    this.onPrinted = options.onPrinted;
  }

  /** The thread shown to the user; replies to other threads are prefixed with their name. */
  get currentThread(): string {
    return this.current;
  }

  /** Switches the thread shown to the user. */
  setCurrentThread(name: string): void {
    this.current = name;
  }

  /** Prints a reply as a new block; resolves to its id (`c1`, `c2`, …). */
  async post(ref: ConversationRef, reply: Reply): Promise<string> {
    const messageId = `c${this.nextMessage++}`;
    const message: PrintedMessage = { ref, choices: this.assignChoices(ref, reply, []) };
    this.messages.set(messageId, message);
    this.write(this.format(message, reply, ""), messageId);
    return messageId;
  }

  /**
   * Shows a new version of a message: in place when it is the last block on a terminal, else as a new
   * block marked `↻`. Rejects for a message this console never printed in that thread.
   */
  async edit(ref: ConversationRef, messageId: string, reply: Reply): Promise<void> {
    const message = this.messages.get(messageId);
    if (!message || refKey(message.ref) !== refKey(ref)) throw new MessageNotFoundError(messageId);
    message.choices = this.assignChoices(ref, reply, message.choices);
    const last = this.last;
    const rows = (this.output as { rows?: number }).rows ?? Number.POSITIVE_INFINITY;
    if (this.isTTY && last?.messageId === messageId && last.rows < rows) {
      cursorTo(this.output, 0);
      moveCursor(this.output, 0, -last.rows);
      clearScreenDown(this.output);
      this.write(this.format(message, reply, ""), messageId, false);
    } else {
      this.write(this.format(message, reply, "↻ "), messageId);
    }
  }

  /**
   * Continue anywhere: a new console thread for a moved project, named `moved-<random>` (so no earlier
   * thread's record is taken over); `/thread NAME` switches to it.
   */
  async startThread(
    ref: ConversationRef,
    opener: { userId: string; text: string },
  ): Promise<ConversationRef> {
    const thread = `moved-${randomUUID().slice(0, 6)}`;
    this.print(`${opener.text} → /thread ${thread}`);
    return { ...ref, thread };
  }

  /** Looks up a choice number shown next to an action; undefined when it names nothing (any more). */
  choice(n: number): ConsoleChoice | undefined {
    return this.choices.get(n);
  }

  /** Prints a local line (banner, hint, error) that is no message and cannot be edited. */
  print(text: string): void {
    this.write(text, undefined);
  }

  /** The user entered a line: the terminal echoed it below the last block, which thus can't be redrawn. */
  markInput(): void {
    this.last = undefined;
  }

  private format(message: PrintedMessage, reply: Reply, marker: string): string {
    const thread = message.ref.thread === this.current ? "" : `[thread ${message.ref.thread}] `;
    return `${thread}${marker}${renderConsoleReply(reply, message.choices)}`;
  }

  /**
   * Numbers the actions of a message's new version. A number whose action is unchanged stays, so the
   * block on screen remains right; numbers of actions that went away stop working, like removed buttons.
   */
  private assignChoices(ref: ConversationRef, reply: Reply, previous: number[]): number[] {
    const kept = new Set<number>();
    const numbers = consoleActions(reply).map((action) => {
      // Quick replies may go away before the actions: an unchanged action keeps its number wherever it moved.
      const old = previous.find((n) => {
        const known = this.choices.get(n);
        return !kept.has(n) && known?.kind === action.kind && known.arg === action.arg;
      });
      if (old !== undefined) {
        kept.add(old);
        return old;
      }
      const n = this.nextChoice++;
      this.choices.set(n, { ref, kind: action.kind, arg: action.arg });
      return n;
    });
    for (const old of previous) if (!numbers.includes(old)) this.choices.delete(old);
    return numbers;
  }

  private write(text: string, messageId: string | undefined, clearPrompt = true): void {
    // On a terminal the cursor sits on the prompt line (maybe with half-typed input): clear it first;
    // `onPrinted` draws it again below the new block.
    if (this.isTTY && clearPrompt) {
      cursorTo(this.output, 0);
      clearLine(this.output, 0);
    }
    this.output.write(`${text}\n`);
    const columns = (this.output as { columns?: number }).columns ?? 80;
    this.last = messageId === undefined ? undefined : { messageId, rows: terminalRows(text, columns) };
    this.onPrinted?.();
  }
}
