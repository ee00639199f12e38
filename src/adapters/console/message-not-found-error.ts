/**
 * An edit named a message this console never printed (or printed in another thread): it can never be
 * edited, so its code is the outbox's `MESSAGE_GONE` (the content is printed as a new block instead).
 */
export class MessageNotFoundError extends Error {
  /** Stable code to match on; errors may cross process boundaries where `instanceof` fails. */
  readonly code = "MESSAGE_GONE";

  constructor(readonly messageId: string) {
    super(`unknown console message: ${messageId}`);
    this.name = "MessageNotFoundError";
  }
}
