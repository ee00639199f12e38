import type { NemoClient } from "../nemo/client.js";
import type { ConversationRef } from "./conversation-ref.js";
import { refKey } from "./conversation-ref.js";
import type { ConversationRecord, ConversationStore } from "./conversation-store.js";

/** A user's own account a session is created with (its id is kept on the thread's record). */
export interface SessionAccount {
  id: string;
  token: string;
}

/** Creates, finds and replaces the backend session of a thread. */
export class SessionManager {
  constructor(
    private readonly store: ConversationStore,
    private readonly client: NemoClient,
    private readonly now: () => number = Date.now,
  ) {}

  find(ref: ConversationRef): Promise<ConversationRecord | undefined> {
    return this.store.get(refKey(ref));
  }

  /** The thread's session, created on first use in `language`. */
  async ensure(
    ref: ConversationRef,
    language: string,
    signal?: AbortSignal,
    account?: SessionAccount,
  ): Promise<ConversationRecord> {
    const existing = await this.store.get(refKey(ref));
    if (existing) return existing;
    return this.create(ref, language, signal, account);
  }

  /** A fresh session for the thread (`/new`, or after 1002): the thread is remapped to it. */
  async create(
    ref: ConversationRef,
    language: string,
    signal?: AbortSignal,
    account?: SessionAccount,
  ): Promise<ConversationRecord> {
    const ctx = { platform: ref.platform, signal, ...(account ? { token: account.token } : {}) };
    const session = await this.client.createSession(ctx, language);
    const now = this.now();
    const record: ConversationRecord = {
      sessionId: session.sessionId,
      taskId: session.taskId,
      language,
      platform: ref.platform,
      ...(account ? { account: account.id } : {}),
      createdAt: now,
      usedAt: now,
    };
    await this.store.put(refKey(ref), record);
    return record;
  }

  /** Settings (issue 21): the session got the settings line of `settings` (a `settingsFingerprint`). */
  settingsSent(ref: ConversationRef, settings: string): Promise<void> {
    return this.store.markSettingsSent(refKey(ref), settings);
  }

  /** Variations: the thread now continues `record`'s session (a chosen variation's). */
  adopt(ref: ConversationRef, record: ConversationRecord): Promise<void> {
    return this.store.put(refKey(ref), record);
  }

  /** The thread's session was used now; `lastUsedAt`: its `usedAt` as read before (see the store). */
  touch(ref: ConversationRef, fingerprint?: string, lastUsedAt?: number): Promise<void> {
    return this.store.touch(refKey(ref), fingerprint, lastUsedAt);
  }
}
