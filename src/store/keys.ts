const DAY = 24 * 3600;

/**
 * How long each kind of key lives at most, in seconds (the bound the bounded-Redis test checks).
 * Keys not listed are deleted by the flow that made them (line, parked) or are durable by design (kv:
 * the client id and the anonymous token). BullMQ's own keys are bounded by its job retention and by the
 * events stream's maximum length (see queues.ts).
 */
export const KEY_TTL_SECONDS = {
  /** Thread's session record; renewed on use. */
  conversation: 30 * DAY,
  /** Platform event ids taken in (intake). */
  seen: DAY,
  /** Prompt kept for Retry; deleted once answered without Retry (sent-marker.ts). */
  inbound: 7 * DAY,
  /** Sent marker of a message not yet answered. */
  sentInFlight: 7 * DAY,
  /** Sent marker once answered (only the "answered" flag is left). */
  sentAnswered: DAY,
  /** Per-file upload records of one upload job. */
  upload: DAY,
  exportLock: DAY,
  retried: 7 * DAY,
  /** A linked account; renewed on use (accounts/account-store.ts). */
  account: 180 * DAY,
  /** The low-balance warning flag of an account. */
  lowBalanceWarned: 30 * DAY,
  /** A finished export's reference (thread, session, who asked), for "Get my NemoVideo link"; like the history. */
  exported: 30 * DAY,
  /** An account's cached balance (the credits guard reads it at most every 60 s). */
  balance: 60,
  /** A user's last exports (history.ts); renewed by each export. */
  history: 30 * DAY,
  /**
   * Who started a thread (its owner): renewed by the owner's own activity in it (not by others'), so it
   * expires only after the owner stayed quiet there this long (thread-owners.ts).
   */
  owner: 30 * DAY,
  /** Hourly usage buckets (usage.ts): a week and a day, so "7 days" is always whole. */
  usage: 8 * DAY,
  /** The text a stream delivered so far (deleted once delivered). */
  partial: DAY,
  /** The thread a command in a channel opened. */
  openedThread: DAY,
  /** A waiting export's record (it is deleted when the export ends; the render timeout is far shorter). */
  exporting: DAY,
  /** What workers learned about a turn or upload job (work-records.ts); deleted when the job is done. */
  work: 7 * DAY,
  /** A workspace's Slack token refresh lock (longer than the refresh call's timeout); deleted by its holder. */
  slackRefreshLock: 30,
  /** A workspace's failed Slack token refreshes and when the next may run; forgotten after a quiet hour. */
  slackRefreshBackoff: 3600,
  /** A command's private reply address, sealed (reply-addresses.ts): outlives the platform's own validity. */
  replyAddress: 3600,
  /** A member's own settings (settings-store.ts); renewed when they change them. */
  memberSettings: 365 * DAY,
  /** A place's defaults and limits (settings-store.ts); renewed when its admins change them. */
  placeSettings: 365 * DAY,
  /** Quick replies: an answer's choices and which one was taken (quick-reply-records.ts). */
  quickReplies: DAY,
  // Variations (variation-batches.ts)
  /** A generated result's prompt, kept for its 🎲 Variations button. */
  variationSource: 7 * DAY,
  /** A variations batch: its source, sessions, results, who confirmed, its messages. */
  variationBatch: 7 * DAY,
  // Private mode
  /** A button of a private copy in a member's DM, bound to its thread and member (private-buttons.ts). */
  privateButton: 7 * DAY,
  // Continue anywhere (project-moves.ts)
  /** A continue code (by its SHA-256): single use, taken by the first redeem. */
  moveCode: 15 * 60,
  /** A member's wrong continue codes in the current window (the guess throttle). */
  moveTries: 15 * 60,
} as const;

/**
 * Every Redis key and queue of one deployment shares one prefix written as a hash tag (`{nemo}`),
 * so all of them land in one slot and the same deployment works on Redis Cluster.
 */
export class Keys {
  /** BullMQ's `prefix` option. */
  readonly bull: string;

  constructor(readonly prefix = "nemo") {
    if (!/^[\w.-]+$/.test(prefix)) throw new TypeError(`invalid key prefix: ${prefix}`);
    this.bull = `{${prefix}}`;
  }

  /** Hash: the thread's session record. */
  conversation(refKey: string): string {
    return `${this.bull}:conv:${refKey}`;
  }
  /** List: the thread's line of waiting work, head first (the head runs). */
  line(refKey: string): string {
    return `${this.bull}:line:${refKey}`;
  }
  /** Set: members of the line that parked themselves as delayed jobs, waiting to be woken. */
  parked(refKey: string): string {
    return `${this.bull}:parked:${refKey}`;
  }
  /** String: set before a message's `/run_sse` leaves; its presence forbids sending it again. */
  sent(inboundId: string): string {
    return `${this.bull}:sent:${inboundId}`;
  }
  /** Hash: per file of one upload job (field = file index), where its sending stands (upload-marker.ts). */
  upload(inboundId: string): string {
    return `${this.bull}:upload-files:${inboundId}`;
  }
  /** String: an inbound message kept for Retry and Cancel buttons. */
  inbound(inboundId: string): string {
    return `${this.bull}:inbound:${inboundId}`;
  }
  /** String: the render job running for a thread (one export per thread at a time). */
  exportLock(refKey: string): string {
    return `${this.bull}:export:${refKey}`;
  }
  /** String: a message whose Retry was used (each Retry sends its message once). */
  retried(inboundId: string): string {
    return `${this.bull}:retried:${inboundId}`;
  }
  /** List: a user's last exports, newest first (history.ts). */
  history(platform: string, userId: string): string {
    return `${this.bull}:history:${platform}:${userId}`;
  }
  /** Hash: a waiting export, by its job id (export-store.ts; not `export:<thread>`, the thread's export lock). */
  exporting(jobId: string): string {
    return `${this.bull}:exporting:${jobId}`;
  }
  /** Sorted set: waiting exports' job ids by next poll time (epoch ms); durable, members leave when done. */
  exportsDue(): string {
    return `${this.bull}:exports:due`;
  }
  /** The sorted set of waiting exports as versions before 0.2 named it (adopted at start, see export-store.ts). */
  legacyExportsDue(): string {
    return `${this.bull}:renders:due`;
  }
  /** String: when a line head was first seen without a job (to drop it only if it stays missing). */
  missingHead(jobId: string): string {
    return `${this.bull}:missing-head:${jobId}`;
  }
  /** String: an event id already taken in (platform re-deliveries are processed once). */
  seen(eventId: string): string {
    return `${this.bull}:seen:${eventId}`;
  }
  /** String: the thread a command in a channel opened (so a retried job continues there). */
  openedThread(inboundId: string): string {
    return `${this.bull}:opened:${inboundId}`;
  }
  /** String: the text a turn's stream delivered so far (durable against a crash); deleted once delivered. */
  partial(inboundId: string): string {
    return `${this.bull}:partial:${inboundId}`;
  }
  /** Strings: consecutive unreachable outcomes of a backend, and whether its circuit is open. */
  breaker(backend: string): { failures: string; open: string } {
    return {
      failures: `${this.bull}:breaker:${backend}:failures`,
      open: `${this.bull}:breaker:${backend}:open`,
    };
  }
  /** String: this thread was told that the backend is unreachable and its message waits (once per outage). */
  backendWaitTold(refKey: string): string {
    return `${this.bull}:backend-wait-told:${refKey}`;
  }
  /** Hash: what workers learned about one turn or upload job, by its job id (work-records.ts); expires. */
  work(jobId: string): string {
    return `${this.bull}:work:${jobId}`;
  }
  /** Hash: a posted message's later parts and edit revision (see `MessageRecords`); expires. */
  message(refKey: string, messageId: string): string {
    return `${this.bull}:msg:${refKey}:${messageId}`;
  }
  /** Hash: a user's linked NemoVideo account (token sealed with SECRETS_KEY, masked form); see accounts/. */
  account(accountId: string): string {
    return `${this.bull}:account:${accountId}`;
  }
  /**
   * String: a finished export's reference (thread, session and task, who asked for it), from which a
   * fresh claim link is issued on demand; never a claim token. Expires with the history.
   */
  exported(exportId: string): string {
    return `${this.bull}:exported:${exportId}`;
  }
  /** String: an account's balance, cached briefly for the credits guard (`bot` = the bot's account). */
  balance(accountId: string): string {
    return `${this.bull}:balance:${accountId}`;
  }
  /** String: the low-balance warning was given for this account (cleared when the balance rises again). */
  lowBalanceWarned(accountId: string): string {
    return `${this.bull}:low-balance:${accountId}`;
  }
  /** String: the user id of the member who started the thread (its owner; renewed by their activity). */
  owner(refKey: string): string {
    return `${this.bull}:owner:${refKey}`;
  }
  /**
   * Hash: one hour of use of a place (`w:…`; a DM is its member's own: a total and a per-member field per
   * kind) or of all places (`w:*`, one field per place and kind: bounded by the places active that hour);
   * see usage.ts.
   */
  usage(scope: string, hour: number): string {
    return `${this.bull}:usage:${scope}:${hour}`;
  }
  /** Prefix of the quota counters (fixed-window strings `<prefix>:<scope key>`; see quotas.ts). */
  quota(name: string): string {
    return `${this.bull}:rl:${name}`;
  }
  /** String: the process refreshing a Slack workspace's rotating bot token (its owner value; see slack-token-refresh.ts). */
  slackRefreshLock(workspace: string): string {
    return `${this.bull}:slack:refresh-lock:${workspace}`;
  }
  /** Hash: failed Slack token refreshes of a workspace (`failures`, `retryAt` epoch ms); expires. */
  slackRefreshBackoff(workspace: string): string {
    return `${this.bull}:slack:refresh-backoff:${workspace}`;
  }
  /** String: a command's private reply address (interaction token, `response_url`), sealed; see reply-addresses.ts. */
  replyAddress(inboundId: string): string {
    return `${this.bull}:reply:${inboundId}`;
  }
  /**
   * String: a Slack workspace's installation, sealed; written by the adapter's installation store
   * (`adapters/slack/setup/installation-store.ts`, which cannot import this class) under the same name.
   * Durable by design (deleted on uninstall).
   */
  slackInstallation(workspace: string): string {
    return `${this.bull}:slack:installation:${workspace}`;
  }
  /** Hash: a member's own settings (aspect ratio, length, language, private results); see settings-store.ts. */
  memberSettings(platform: string, userId: string): string {
    return `${this.bull}:settings:member:${platform}:${userId}`;
  }
  /** Hash: a place's defaults and limits set by its admins (`place` as `placeOf` names it); see settings-store.ts. */
  placeSettings(platform: string, place: string): string {
    return `${this.bull}:settings:place:${platform}:${place}`;
  }
  /** Hash: an answer's quick replies (choices, the answer's message, the choice taken); see quick-reply-records.ts. */
  quickReplies(recordId: string): string {
    return `${this.bull}:quick:${recordId}`;
  }
  // Variations (variation-batches.ts)
  /** String: the prompt, thread and sender of a generated result, for its 🎲 Variations button. */
  variationSource(inboundId: string): string {
    return `${this.bull}:variation-source:${inboundId}`;
  }
  /** Hash: one variations batch (source, count, who asked and confirmed, sessions, results, messages). */
  variationBatch(batchId: string): string {
    return `${this.bull}:variations:${batchId}`;
  }
  // Private mode
  /** String: what a button of a private copy in a member's DM acts on (thread, member, DM, action); see private-buttons.ts. */
  privateButton(token: string): string {
    return `${this.bull}:private-button:${token}`;
  }
  // Continue anywhere (project-moves.ts)
  /** Hash: a continue code's project (session, task, account, source thread, issuer), by the code's SHA-256. */
  moveCode(digest: string): string {
    return `${this.bull}:move-code:${digest}`;
  }
  /** String: a member's wrong continue codes in the current window (counter; expires). */
  moveTries(platform: string, userId: string): string {
    return `${this.bull}:move-tries:${platform}:${userId}`;
  }
  /** Key/value store of the client id and anonymous token (sealed with `SECRETS_KEY`), and one-time markers. */
  kv(key: string): string {
    return `${this.bull}:kv:${key}`;
  }
}
