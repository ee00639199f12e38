import { createHash } from "node:crypto";
import type { ActionKind } from "../core/conversation/reply.js";
import { KEY_TTL_SECONDS } from "./keys.js";
import { RedisStore } from "./redis-store.js";

/** What a button of a private copy acts on: the action, in its thread, for one member, from one DM. */
export interface PrivateButton {
  /** The thread's conversation key. */
  thread: string;
  userId: string;
  /** The member's DM (its conversation key): the only place the button is honoured. */
  dm: string;
  kind: ActionKind;
  arg: string;
}

/**
 * Buttons of private copies (private mode): the DM copy of a Retry, Cancel, Continue… carries an opaque
 * token instead of its argument, kept here with the thread and member it is bound to, so a click in the
 * DM acts on the thread's project and only for that member. The token is a digest of what it names:
 * the same button (a progress message edited many times) is one key, written once per job (PrivateOutbox).
 */
export class PrivateButtons extends RedisStore {
  /** Keeps the button; resolves to its token. */
  async keep(button: PrivateButton): Promise<string> {
    const value = JSON.stringify(button);
    const token = createHash("sha256").update(value).digest("base64url").slice(0, 22);
    await this.redis.set(this.keys.privateButton(token), value, "EX", KEY_TTL_SECONDS.privateButton);
    return token;
  }

  /** The button a token names; undefined when it expired or never existed. */
  async read(token: string): Promise<PrivateButton | undefined> {
    const value = await this.text(this.keys.privateButton(token));
    if (value === undefined) return undefined;
    try {
      return JSON.parse(value) as PrivateButton;
    } catch {
      return undefined;
    }
  }
}
