import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimContext } from "../context.js";
import type { UserAccount } from "../credits.js";
import { isRecord, readJson, sendHttpError, sendOk } from "../http-util.js";
import type { Session } from "./state.js";

/** `POST /api/tasks/me/with-session/nemo_agent` {task_name, language} */
export async function handleCreateSession(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  account: UserAccount,
): Promise<void> {
  const body = await readJson(req);
  if (!body.ok) return sendHttpError(res, 400, body.error);
  const value = isRecord(body.value) ? body.value : {};
  const taskName = typeof value.task_name === "string" && value.task_name ? value.task_name : "project";
  const language = typeof value.language === "string" && value.language ? value.language : "en";
  const session = ctx.sessions.create(account.id, taskName, language);
  sendOk(res, { task_id: session.taskId, session_id: session.id, user_id: account.id });
}

/** `GET /api/state/nemo_agent/me/<sid>/latest` */
export function handleState(res: ServerResponse, session: Session): void {
  sendOk(res, { session_id: session.id, state: structuredClone(session.state) });
}
