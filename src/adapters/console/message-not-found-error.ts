/** An edit named a message this console never printed (or printed in another thread). */
export class MessageNotFoundError extends Error {
  /** Stable code to match on; errors may cross process boundaries where `instanceof` fails. */
  readonly code = "CONSOLE_MESSAGE_NOT_FOUND";

  constructor(readonly messageId: string) {
    super(`unknown console message: ${messageId}`);
    this.name = "MessageNotFoundError";
  }
}
