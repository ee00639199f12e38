import { ConfigError } from "../config/config.js";
import { errorCode } from "../core/error-code.js";
import { EmbeddedRedisInUseError, RedisServerMissingError } from "../redis/embedded-redis.js";
import { RedisUnreachableError } from "../redis/wait-until-ready.js";
import { PUBLIC_HOST, portFailureText } from "./port-checks.js";

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
    // The admin port's failures are worded where it listens; this is the public PORT.
    const port = "port" in error && typeof error.port === "number" ? error.port : 0;
    const code = errorCode(error);
    if (code) return portFailureText("PORT", port, PUBLIC_HOST, code);
  }
  const message = error instanceof Error ? error.message : String(error);
  return `start-up failed: ${message.split("\n")[0]}`;
}
