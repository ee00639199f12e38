import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimContext } from "./context.js";
import type { UserAccount } from "./credits.js";
import type { Session } from "./sessions/state.js";
import type { RecordedRequest } from "./types.js";

/** What a matched route's handler gets. */
export interface Call {
  ctx: SimContext;
  req: IncomingMessage;
  res: ServerResponse;
  record: RecordedRequest;
  /** The path parameter (session or render id), "" when the route has none. */
  param: string;
  query: URLSearchParams;
  /** Set for routes that need a token. */
  account: UserAccount;
  /** Set for routes whose path names a session. */
  session: Session;
}
