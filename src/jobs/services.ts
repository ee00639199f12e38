import type { SessionManager } from "../core/conversation/session-manager.js";
import type { Logger } from "../core/logger.js";
import type { NemoClient } from "../core/nemo/client.js";
import type { RedisClient } from "../redis/connect.js";
import type { BackendBreaker } from "./backend-breaker.js";
import type { Delivery } from "./delivery.js";
import type { Keys } from "./keys.js";
import type { PartialAnswers } from "./partial-answer.js";
import type { Queues } from "./queues.js";
import type { SentMarker } from "./sent-marker.js";
import type { ThreadLine } from "./thread-line.js";
import type { Timings } from "./timings.js";

/** What the gateway and the job processors share within one process. */
export interface JobServices {
  redis: RedisClient;
  keys: Keys;
  client: NemoClient;
  sessions: SessionManager;
  line: ThreadLine;
  sent: SentMarker;
  queues: Queues;
  delivery: Delivery;
  timings: Timings;
  logger: Logger;
  /** Whether the backend is reachable, shared by every process (health reports read `isOpen()`). */
  breaker: BackendBreaker;
  /** Each streaming turn's text so far, durable for a takeover. */
  partials: PartialAnswers;
  /** An answer longer than this many characters is cut with a note. */
  maxAnswerChars: number;
}
