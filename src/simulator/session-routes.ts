import type { ServerResponse } from "node:http";
import type { Call } from "./call.js";
import { readJsonObject, sendOk } from "./http-util.js";
import type { Session } from "./sessions/state.js";

/** `POST /api/tasks/me/with-session/nemo_agent` {task_name, language} */
export async function handleCreateSession({ ctx, req, res, account }: Call): Promise<void> {
  const value = await readJsonObject(req, res);
  if (!value) return;
  const taskName = typeof value.task_name === "string" && value.task_name ? value.task_name : "project";
  const language = typeof value.language === "string" && value.language ? value.language : "en";
  const session = ctx.sessions.create(account.id, taskName, language);
  sendOk(res, { task_id: session.taskId, session_id: session.id, user_id: account.id });
}

/** `GET /api/state/nemo_agent/me/<sid>/latest` */
export function handleState(res: ServerResponse, session: Session): void {
  sendOk(res, { session_id: session.id, state: structuredClone(session.state) });
}
