import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleMessenger, createConsoleAdapter } from "../src/adapters/console/index.js";
import { parseConsoleLine } from "../src/adapters/console/parse-console-line.js";
import { renderConsoleReply } from "../src/adapters/console/render-console.js";
import { terminalRows } from "../src/adapters/console/terminal-rows.js";
import { COMMAND_ACTIONS } from "../src/adapters/discord/setup/slash-commands.js";
import type { ConversationRef } from "../src/core/conversation/conversation-ref.js";
import type { Inbound, IntakePort } from "../src/core/conversation/inbound.js";
import type { Reply } from "../src/core/conversation/reply.js";
import { eventually } from "./helpers/eventually.js";

const CURSOR_UP = (n: number) => `\x1b[${n}A`;
const CLEAR_DOWN = "\x1b[0J";

const ref = (thread = "main"): ConversationRef => ({
  platform: "console",
  workspace: "local",
  channel: "console",
  thread,
});

const withActions: Reply = {
  text: "Your video is ready.",
  actions: [
    { kind: "export", label: "Export" },
    { kind: "timeline", label: "Timeline" },
    { kind: "cancel", label: "Cancel", arg: "m42" },
  ],
};

/** An output stream that records every write synchronously (a PassThrough would deliver data later). */
function recordingOutput(): { stream: Writable; text: () => string } {
  let written = "";
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      written += chunk.toString();
      callback();
    },
  });
  return { stream, text: () => written };
}

/** A handler that records what it is handed; `handle` may be replaced per test. */
function recorder(): IntakePort & { inbounds: Inbound[] } {
  const inbounds: Inbound[] = [];
  return {
    inbounds,
    async handle(inbound) {
      inbounds.push(inbound);
    },
  };
}

function setup(handler: IntakePort = recorder()) {
  const input = new PassThrough();
  const output = recordingOutput();
  const messenger = new ConsoleMessenger({ output: output.stream, isTTY: false });
  const adapter = createConsoleAdapter({
    input,
    output: output.stream,
    handler,
    messenger,
    locale: "de-DE",
    userName: "ada",
    isTTY: false,
  });
  /** Feeds lines, ends the input and waits until the adapter has handed everything over. */
  const run = async (...lines: string[]): Promise<void> => {
    const done = adapter.start();
    input.end(lines.map((line) => `${line}\n`).join(""));
    await done;
  };
  return { input, output, messenger, adapter, run };
}

describe("renderConsoleReply", () => {
  it("renders progress, text, video, links and numbered actions in that order", () => {
    const out = renderConsoleReply(
      {
        progress: "🎬 Generating video",
        text: "Here it is",
        video: { url: "https://cdn.example/v.mp4", fileName: "v.mp4" },
        links: [{ label: "Task", url: "https://web.example/t/1" }],
        actions: withActions.actions,
      },
      [4, 5, 6],
    );
    expect(out).toBe(
      [
        "🎬 Generating video",
        "Here it is",
        "🎬 https://cdn.example/v.mp4",
        "Task: https://web.example/t/1",
        "[4] Export  [5] Timeline  [6] Cancel",
      ].join("\n"),
    );
  });

  it("prefixes errors, shows a video title, numbers from 1 without choices, strips control characters", () => {
    expect(renderConsoleReply({ text: "No credits left", tone: "error" }, [])).toBe("✘ No credits left");
    expect(renderConsoleReply({ video: { url: "https://v", fileName: "v.mp4", title: "Cat" } }, [])).toBe(
      "🎬 Cat: https://v",
    );
    expect(renderConsoleReply({ actions: [{ kind: "help", label: "Help" }] }, [])).toBe("[1] Help");
    expect(renderConsoleReply({ text: "a\x1b[2Jb\r\nc\u0007" }, [])).toBe("a[2Jb\nc");
  });
});

describe("ConsoleMessenger", () => {
  it("posts blocks with ids c1, c2 and prefixes replies to other threads", async () => {
    const output = recordingOutput();
    const messenger = new ConsoleMessenger({ output: output.stream, isTTY: false });
    expect(await messenger.post(ref(), { text: "hello" })).toBe("c1");
    expect(await messenger.post(ref("b"), { text: "over there" })).toBe("c2");
    expect(output.text()).toBe("hello\n[thread b] over there\n");
  });

  it("numbers actions uniquely across messages and looks choices up", async () => {
    const messenger = new ConsoleMessenger({ output: recordingOutput().stream, isTTY: false });
    await messenger.post(ref(), withActions);
    await messenger.post(ref("b"), { actions: [{ kind: "credits", label: "Credits" }] });
    expect(messenger.choice(3)).toEqual({ ref: ref(), kind: "cancel", arg: "m42" });
    expect(messenger.choice(4)).toEqual({ ref: ref("b"), kind: "credits", arg: undefined });
    expect(messenger.choice(5)).toBeUndefined();
  });

  it("prints an edit as an update block when the output is not a terminal", async () => {
    const output = recordingOutput();
    const messenger = new ConsoleMessenger({ output: output.stream, isTTY: false });
    const id = await messenger.post(ref(), { progress: "Working… 10%" });
    await messenger.edit(ref(), id, { progress: "Working… 60%" });
    expect(output.text()).toBe("Working… 10%\n↻ Working… 60%\n");
    expect(output.text()).not.toContain("\x1b[");
  });

  it("edits the last block in place on a terminal", async () => {
    const output = recordingOutput();
    const messenger = new ConsoleMessenger({ output: output.stream, isTTY: true });
    const id = await messenger.post(ref(), { progress: "Working", text: "line two" });
    const before = output.text().length;
    await messenger.edit(ref(), id, { text: "Done" });
    const edit = output.text().slice(before);
    expect(edit).toContain(CURSOR_UP(2));
    expect(edit).toContain(CLEAR_DOWN);
    expect(edit.endsWith("Done\n")).toBe(true);
    expect(edit).not.toContain("↻");
  });

  it("counts wrapped rows when moving up over the block", async () => {
    const output = recordingOutput();
    Object.assign(output.stream, { columns: 10 });
    const messenger = new ConsoleMessenger({ output: output.stream, isTTY: true });
    const id = await messenger.post(ref(), { text: "x".repeat(25) });
    await messenger.edit(ref(), id, { text: "short" });
    expect(output.text()).toContain(CURSOR_UP(3));
  });

  it("falls back to an update block on a terminal when the message is no longer last", async () => {
    const output = recordingOutput();
    const messenger = new ConsoleMessenger({ output: output.stream, isTTY: true });
    const first = await messenger.post(ref(), { text: "first" });
    await messenger.post(ref(), { text: "second" });
    await messenger.edit(ref(), first, { text: "first, edited" });
    const typed = await messenger.post(ref(), { text: "third" });
    messenger.markInput();
    await messenger.edit(ref(), typed, { text: "third, edited" });
    expect(output.text()).not.toContain(CURSOR_UP(1));
    expect(output.text()).toContain("↻ first, edited\n");
    expect(output.text()).toContain("↻ third, edited\n");
  });

  it("rejects edits of unknown messages and of messages in another thread", async () => {
    const messenger = new ConsoleMessenger({ output: recordingOutput().stream, isTTY: false });
    const id = await messenger.post(ref(), { text: "hi" });
    await expect(messenger.edit(ref(), "c99", { text: "x" })).rejects.toMatchObject({
      code: "MESSAGE_GONE",
    });
    await expect(messenger.edit(ref("b"), id, { text: "x" })).rejects.toThrow(Error);
  });

  it("keeps the numbers of unchanged actions on edit and retires removed ones", async () => {
    const output = recordingOutput();
    const messenger = new ConsoleMessenger({ output: output.stream, isTTY: false });
    const id = await messenger.post(ref(), withActions);
    await messenger.edit(ref(), id, { actions: [{ kind: "export", label: "Export" }] });
    expect(output.text()).toContain("↻ [1] Export\n");
    expect(messenger.choice(1)?.kind).toBe("export");
    expect(messenger.choice(2)).toBeUndefined();
    expect(messenger.choice(3)).toBeUndefined();
  });

  it("calls onPrinted after every write so the prompt can be redrawn", async () => {
    let printed = 0;
    const messenger = new ConsoleMessenger({
      output: recordingOutput().stream,
      isTTY: true,
      onPrinted: () => printed++,
    });
    const id = await messenger.post(ref(), { text: "a" });
    await messenger.edit(ref(), id, { text: "b" });
    messenger.print("local");
    expect(printed).toBe(3);
  });
});

describe("createConsoleAdapter", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "console-adapter-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("turns a typed line into an Inbound in the main thread and prints a banner", async () => {
    const handler = recorder();
    const { run, output, adapter } = setup(handler);
    await run("make a 30 second video about cats", "", "   ");
    expect(handler.inbounds).toHaveLength(1);
    const [inbound] = handler.inbounds;
    expect(inbound).toEqual({
      id: expect.stringMatching(/^console-[0-9a-f-]{36}$/),
      ref: ref(),
      user: { id: "ada", name: "ada" },
      text: "make a 30 second video about cats",
      attachments: [],
      locale: "de-DE",
    });
    expect(adapter.thread).toBe("main");
    expect(output.text()).toContain("/attach PATH [text]");
  });

  it("switches threads with /thread and lists them with /threads", async () => {
    const handler = recorder();
    const { run, output, adapter, messenger } = setup(handler);
    await run("one", "/thread b", "two", "/threads");
    expect(handler.inbounds.map((i) => [i.ref.thread, i.text])).toEqual([
      ["main", "one"],
      ["b", "two"],
    ]);
    expect(adapter.thread).toBe("b");
    expect(messenger.currentThread).toBe("b");
    expect(output.text()).toContain("Now in thread b\n");
    expect(output.text()).toContain("Threads: main, b *\n");
  });

  it("maps commands to actions", async () => {
    const handler = recorder();
    const { run } = setup(handler);
    await run("/new a dog video", "/help", "/cancel", "/export", "/status", "/credits");
    expect(handler.inbounds.map((i) => [i.action?.kind, i.text])).toEqual([
      ["new", "a dog video"],
      ["help", ""],
      ["cancel", ""],
      ["export", ""],
      ["timeline", ""],
      ["credits", ""],
    ]);
  });

  it("attaches a local file with size, content type and file URL", async () => {
    const path = join(dir, "my clip.MP4");
    await writeFile(path, Buffer.alloc(1234));
    const other = join(dir, "notes.txt");
    await writeFile(other, "hi");
    const handler = recorder();
    const { run } = setup(handler);
    await run(`/attach "${path}" trim the start`, `/attach ${other}`);
    expect(handler.inbounds[0]).toMatchObject({
      ref: ref(),
      text: "trim the start",
      attachments: [
        {
          name: "my clip.MP4",
          size: 1234,
          contentType: "video/mp4",
          url: pathToFileURL(path).href,
          auth: "none",
        },
      ],
    });
    expect(handler.inbounds[1]?.attachments).toEqual([
      { name: "notes.txt", size: 2, url: pathToFileURL(other).href, auth: "none" },
    ]);
  });

  it("prints a local error and hands nothing over for a missing file", async () => {
    const handler = recorder();
    const { run, output } = setup(handler);
    const missing = join(dir, "nope.mp4");
    await run(`/attach ${missing}`, "/attach");
    expect(handler.inbounds).toEqual([]);
    expect(output.text()).toContain(`✘ File not found: ${missing}\n`);
    expect(output.text()).toContain("Usage: /attach PATH [text]");
  });

  it("keeps typed order across an /attach that has to stat its file", async () => {
    const path = join(dir, "a.png");
    await writeFile(path, "png");
    const handler = recorder();
    const { run } = setup(handler);
    await run(`/attach ${path}`, "after");
    expect(handler.inbounds.map((i) => i.attachments[0]?.contentType ?? i.text)).toEqual([
      "image/png",
      "after",
    ]);
  });

  it("turns a number into the action of the choice, in the choice's thread", async () => {
    const handler = recorder();
    const { run, messenger, output } = setup(handler);
    await messenger.post(ref(), withActions);
    await messenger.post(ref("b"), { actions: [{ kind: "retry", label: "Retry", arg: "m7" }] });
    await run("3", "4", "9");
    expect(handler.inbounds.map((i) => [i.ref.thread, i.action, i.text])).toEqual([
      ["main", { kind: "cancel", arg: "m42" }, ""],
      ["b", { kind: "retry", arg: "m7" }, ""],
    ]);
    expect(output.text()).toContain("[thread b] [4] Retry\n");
    expect(output.text()).toContain("No choice [9]");
  });

  it("hands the next line over without waiting for the previous hand-off", async () => {
    const inbounds: Inbound[] = [];
    let release = () => {};
    const handler: IntakePort = {
      handle(inbound) {
        inbounds.push(inbound);
        return inbounds.length === 1
          ? new Promise<void>((resolve) => (release = resolve))
          : Promise.resolve();
      },
    };
    const { input, adapter } = setup(handler);
    const done = adapter.start();
    input.write("first\nsecond\n");
    await eventually(() => inbounds.length === 2, 2_000, "two inbounds");
    input.end();
    release();
    await done;
    expect(inbounds.map((i) => i.text)).toEqual(["first", "second"]);
  });

  it("prints a rejected hand-off and keeps going", async () => {
    const texts: string[] = [];
    const handler: IntakePort = {
      async handle(inbound) {
        texts.push(inbound.text);
        if (inbound.text === "bad") throw new Error("queue down");
      },
    };
    const { run, output } = setup(handler);
    await run("bad", "good");
    expect(texts).toEqual(["bad", "good"]);
    expect(output.text()).toContain("✘ Could not send that: queue down\n");
  });

  it("ends on /quit, ignoring later lines, and on stop()", async () => {
    const handler = recorder();
    const first = setup(handler);
    const done = first.adapter.start();
    first.input.write("/quit\nignored\n");
    await done;
    expect(handler.inbounds).toEqual([]);

    const second = setup(handler);
    const stopped = second.adapter.start();
    second.adapter.stop();
    await stopped;
  });

  it("redraws the prompt after output on a terminal", async () => {
    const handler = recorder();
    const input = new PassThrough();
    const output = recordingOutput();
    const messenger = new ConsoleMessenger({ output: output.stream, isTTY: true });
    const adapter = createConsoleAdapter({ input, output: output.stream, handler, messenger, isTTY: true });
    const done = adapter.start();
    await messenger.post(ref(), { text: "from the bot" });
    expect(output.text().split("from the bot\n")[1]).toContain("> ");
    input.end("hi\r");
    await done;
    expect(handler.inbounds.map((i) => i.text)).toEqual(["hi"]);
    expect(messenger.onPrinted).toBeUndefined();
  });

  it("has every command Discord has, each for the same action (history, whoami, login, logout, usage…)", () => {
    for (const [name, action] of Object.entries(COMMAND_ACTIONS)) {
      if (action === "prompt") continue; // /video PROMPT: in the console, the prompt is simply typed
      const line = parseConsoleLine(`/${name}`);
      expect(line.type === "login" ? "login" : line.type === "action" ? line.kind : line, `/${name}`).toBe(
        action,
      );
    }
  });

  it("hands /history, /whoami, /usage and /logout over as the platforms' actions", async () => {
    const handler = recorder();
    const { run, output } = setup(handler);
    await run("/history", "/whoami", "/usage", "/logout");
    expect(handler.inbounds.map((i) => [i.action?.kind, i.text])).toEqual([
      ["history", ""],
      ["account", ""],
      ["usage", ""],
      ["logout", ""],
    ]);
    expect(output.text()).not.toContain("Unknown command");
    expect(output.text()).toMatch(/Commands: .*\/history.*\/usage.*\/login TOKEN.*\/logout.*\/whoami/);
  });

  it("/login TOKEN hands the token over as the login's argument, never as message text", async () => {
    const handler = recorder();
    const { run } = setup(handler);
    await run("/login nmv_usr_abcdef123456", "/login");
    expect(handler.inbounds.map((i) => [i.action, i.text])).toEqual([
      [{ kind: "login", arg: "nmv_usr_abcdef123456" }, ""],
      [{ kind: "login", arg: undefined }, ""],
    ]);
  });

  it("hints at unknown commands", async () => {
    const handler = recorder();
    const { run, output } = setup(handler);
    await run("/frobnicate");
    expect(handler.inbounds).toEqual([]);
    expect(output.text()).toContain("Unknown command /frobnicate");
  });
});

describe("console helpers", () => {
  it("parses quoted attach paths and command names case-insensitively", () => {
    expect(parseConsoleLine("/attach 'a b.mp4' hi there")).toEqual({
      type: "attach",
      path: "a b.mp4",
      text: "hi there",
    });
    expect(parseConsoleLine("/EXPORT")).toEqual({ type: "action", kind: "export", text: "" });
    expect(parseConsoleLine(" 12 ")).toEqual({ type: "choice", n: 12 });
    expect(parseConsoleLine("/thread")).toEqual({ type: "thread", name: undefined });
    expect(parseConsoleLine("/constructor").type).toBe("invalid");
  });

  it("counts terminal rows with wrapping and wide characters", () => {
    expect(terminalRows("", 80)).toBe(1);
    expect(terminalRows("abc\ndef", 80)).toBe(2);
    expect(terminalRows("x".repeat(81), 80)).toBe(2);
    expect(terminalRows("🎬".repeat(3), 5)).toBe(2);
  });
});
