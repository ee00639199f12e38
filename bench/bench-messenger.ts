import { performance } from "node:perf_hooks";
import { type ConversationRef, refKey } from "../src/core/conversation/conversation-ref.js";
import type { Messenger } from "../src/core/conversation/messenger.js";
import type { Reply } from "../src/core/conversation/reply.js";

/** What the bench observed in one thread (times are `performance.now()` ms). */
export interface ThreadTimes {
  /** First `post` in the thread: the acknowledgement. */
  ackAt?: number;
  /** First post or edit carrying `text`: the final answer. */
  finalAt?: number;
  /** The final answer was an error reply. */
  error?: string;
  posts: number;
  edits: number;
}

interface ThreadEntry {
  times: ThreadTimes;
  done: Promise<ThreadTimes>;
  resolve: (times: ThreadTimes) => void;
}

/**
 * An in-memory Messenger that timestamps each thread's acknowledgement and final answer. `expect`
 * hands out a promise per thread that settles when the final answer is delivered: no polling, no sleeps.
 */
export class BenchMessenger implements Messenger {
  private readonly threads = new Map<string, ThreadEntry>();
  /** Message id → thread key, so an edit of an unknown message is refused as a platform would. */
  private readonly owners = new Map<string, string>();
  private counter = 0;

  /** The thread's record; its promise resolves with the thread's times once the final answer arrives. */
  expect(ref: ConversationRef): Promise<ThreadTimes> {
    return this.entry(refKey(ref)).done;
  }

  times(ref: ConversationRef): ThreadTimes {
    return this.entry(refKey(ref)).times;
  }

  async post(ref: ConversationRef, reply: Reply): Promise<string> {
    const now = performance.now();
    const key = refKey(ref);
    const entry = this.entry(key);
    entry.times.posts += 1;
    entry.times.ackAt ??= now;
    this.observe(entry, reply, now);
    const id = `m${++this.counter}`;
    this.owners.set(id, key);
    return id;
  }

  async edit(ref: ConversationRef, messageId: string, reply: Reply): Promise<void> {
    const now = performance.now();
    const key = refKey(ref);
    if (this.owners.get(messageId) !== key) throw new Error(`unknown message ${messageId}`);
    const entry = this.entry(key);
    entry.times.edits += 1;
    this.observe(entry, reply, now);
  }

  private observe(entry: ThreadEntry, reply: Reply, now: number): void {
    if (reply.text === undefined || entry.times.finalAt !== undefined) return;
    entry.times.finalAt = now;
    if (reply.tone === "error") entry.times.error = reply.text;
    entry.resolve(entry.times);
  }

  private entry(key: string): ThreadEntry {
    let entry = this.threads.get(key);
    if (!entry) {
      const times: ThreadTimes = { posts: 0, edits: 0 };
      let resolve!: (times: ThreadTimes) => void;
      const done = new Promise<ThreadTimes>((settle) => {
        resolve = settle;
      });
      entry = { times, done, resolve };
      this.threads.set(key, entry);
    }
    return entry;
  }
}
