import type { Platform } from "../nemo/types.js";

/** What the bot remembers about one thread: its backend session and the last state it saw. */
export interface ConversationRecord {
  sessionId: string;
  taskId: string;
  /** Backend session language (ISO code). */
  language: string;
  platform: Platform;
  /** The linked user account that created the session (`<platform>:<user>`); undefined = the bot's. */
  account?: string | undefined;
  /** `stateFingerprint` of the last state seen, to notice changes cheaply. */
  fingerprint?: string | undefined;
  createdAt: number;
  usedAt: number;
  // Settings (issue 21): the `settingsFingerprint` the session last got (its settings line)
  settingsSent?: string | undefined;
}

/** Thread ↔ session mapping, keyed by `refKey(ref)`; durable (Redis in every deployment). */
export interface ConversationStore {
  get(key: string): Promise<ConversationRecord | undefined>;
  put(key: string, record: ConversationRecord): Promise<void>;
  /**
   * Updates `usedAt` (and the fingerprint when given). `lastUsedAt`: the record's `usedAt` as the caller
   * read it; the store may then skip renewing what it renewed that day already.
   */
  touch(key: string, fingerprint?: string, lastUsedAt?: number): Promise<void>;
  remove(key: string): Promise<void>;
  /** Settings (issue 21): remembers the settings the session got last (see `settingsFingerprint`). */
  markSettingsSent(key: string, settings: string): Promise<void>;
}
