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
  /** Hash: an inbound message kept for Retry and Cancel buttons. */
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
  /** String: the user cancelled this render job (a failed render is then not submitted again). */
  renderCancelled(jobId: string): string {
    return `${this.bull}:render-cancelled:${jobId}`;
  }
  /** String: when a line head was first seen without a job (to drop it only if it stays missing). */
  missingHead(jobId: string): string {
    return `${this.bull}:missing-head:${jobId}`;
  }
  /** String: an event id already taken in (platform re-deliveries are processed once). */
  seen(eventId: string): string {
    return `${this.bull}:seen:${eventId}`;
  }
  /** Hash: a posted message's later parts and edit revision (see `MessageRecords`); expires. */
  message(refKey: string, messageId: string): string {
    return `${this.bull}:msg:${refKey}:${messageId}`;
  }
  /** Key/value store of the client id and anonymous token. */
  kv(key: string): string {
    return `${this.bull}:kv:${key}`;
  }
}
