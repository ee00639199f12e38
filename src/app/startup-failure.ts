import { ConfigError } from "../config/config.js";
import { errorCode } from "../core/error-code.js";
import { EmbeddedRedisInUseError, RedisServerMissingError } from "../redis/embedded-redis.js";
import { RedisUnreachableError } from "../redis/wait-until-ready.js";

/** A start-up step that failed, with the words an operator needs (no stack trace). */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StartupError";
  }
}

/** What the operator reads when the bot cannot start: one clear line (a list for a few known cases). */
export function startupFailureText(error: unknown): string {
  if (
    error instanceof StartupError ||
    error instanceof ConfigError ||
    error instanceof RedisServerMissingError ||
    error instanceof EmbeddedRedisInUseError
  ) {
    return error.message;
  }
  if (error instanceof RedisUnreachableError) {
    return `${error.message}; start Redis or fix REDIS_URL`;
  }
  if (error instanceof Error && "syscall" in error && error.syscall === "listen") {
    const port = "port" in error ? (error.port ?? "") : "";
    if (errorCode(error) === "EADDRINUSE") {
      return `port ${port} is already in use (PORT); choose another or stop the other process`;
    }
    if (errorCode(error) === "EACCES") {
      return `port ${port} needs privileges this process does not have (PORT); choose one above 1023`;
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return `start-up failed: ${message.split("\n")[0]}`;
}
