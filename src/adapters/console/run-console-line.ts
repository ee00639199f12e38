import { attachmentFromPath } from "./attachment-from-path.js";
import { type ConsoleSender, consoleRef } from "./console-inbound.js";
import type { ConsoleMessenger } from "./console-messenger.js";
import type { ConsoleLine } from "./parse-console-line.js";

/** The console session a typed line acts on: the current thread, the threads seen, and quitting. */
export interface ConsoleSession {
  thread: string;
  readonly threads: Set<string>;
  quit(): void;
}

/** Does what one parsed line asks: a message or action for the core, or a local command. */
export async function runConsoleLine(
  line: ConsoleLine,
  session: ConsoleSession,
  messenger: ConsoleMessenger,
  sender: ConsoleSender,
): Promise<void> {
  const here = consoleRef(session.thread);
  switch (line.type) {
    case "empty":
      return;
    case "text":
      return sender.send(here, { text: line.text });
    case "action":
      // Settings (issue 21): `/settings ratio 9:16` carries its change as the action's argument.
      if (line.kind === "settings")
        return sender.send(here, { text: "", action: { kind: "settings", arg: line.text || undefined } });
      return sender.send(here, { text: line.text, action: { kind: line.kind } });
    case "login":
      return sender.send(here, { text: "", action: { kind: "login", arg: line.token || undefined } });
    case "choice": {
      const choice = messenger.choice(line.n);
      if (!choice)
        return messenger.print(`No choice [${line.n}]: type one of the numbers shown in brackets.`);
      return sender.send(choice.ref, { text: "", action: { kind: choice.kind, arg: choice.arg } });
    }
    case "attach": {
      const attachment = await attachmentFromPath(line.path).catch((error: Error) => {
        messenger.print(`✘ ${error.message}`);
      });
      if (attachment) sender.send(here, { text: line.text, attachments: [attachment] });
      return;
    }
    case "thread":
      return switchThread(line.name, session, messenger);
    case "threads": {
      const names = [...session.threads].map((t) => (t === session.thread ? `${t} *` : t));
      return messenger.print(`Threads: ${names.join(", ")}`);
    }
    case "quit":
      return session.quit();
    case "invalid":
      return messenger.print(line.message);
  }
}

/** `/thread NAME` switches (and remembers) the thread; `/thread` alone says which one it is. */
function switchThread(name: string | undefined, session: ConsoleSession, messenger: ConsoleMessenger): void {
  if (name === undefined) {
    messenger.print(`In thread ${session.thread}. /thread NAME switches.`);
    return;
  }
  session.thread = name;
  session.threads.add(name);
  messenger.setCurrentThread(name);
  messenger.print(`Now in thread ${name}`);
}
