import type { ServerResponse } from "node:http";
import type { SimContext } from "./context.js";
import { sendHtml } from "./http-util.js";

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body>\n<h1>${escapeHtml(title)}</h1>\n${body}\n<p><small>NemoVideo simulator</small></p>\n</body></html>\n`;
}

/** `GET /workspace/claim?ct=<claim token>`: the web app's project page, as far as a simulator can tell. */
export function handleClaimPage(ctx: SimContext, res: ServerResponse, query: URLSearchParams): void {
  if (!query.has("ct") && query.has("task")) {
    // The web app no longer opens `?task=…&session=…` links (docs/backend-protocol.md, "Accounts, tokens and links").
    sendHtml(
      res,
      410,
      page("Link not accepted", "<p>Project links need a claim token (<code>ct</code>).</p>"),
    );
    return;
  }
  const claim = ctx.claims.resolve(query.get("ct") ?? "");
  const session = claim ? ctx.sessions.get(claim.sessionId) : undefined;
  if (!claim || !session) {
    sendHtml(res, 404, page("Link expired", "<p>This project link is not valid or has expired.</p>"));
    return;
  }
  const media = [...session.state.video_infos, ...session.state.generated_media]
    .map((item) => item.url)
    .filter((url): url is string => typeof url === "string");
  const items = [...new Set(media)].map(
    (url) => `<li><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></li>`,
  );
  sendHtml(
    res,
    200,
    page(
      `Project ${session.taskName}`,
      `<p data-task-id="${escapeHtml(claim.taskId)}" data-session-id="${escapeHtml(claim.sessionId)}">` +
        `Task ${escapeHtml(claim.taskId)}, session ${escapeHtml(claim.sessionId)}.</p>\n<ul>${items.join("")}</ul>`,
    ),
  );
}

/** `GET /register?bind=<user id or bind id>`: the registration page of the 2001 link. */
export function handleRegisterPage(ctx: SimContext, res: ServerResponse, query: URLSearchParams): void {
  const bind = query.get("bind") ?? "";
  const account = bind ? ctx.users.findByBind(bind) : undefined;
  const text = account
    ? `<p>Registering binds the anonymous account ${escapeHtml(account.id)} to a new account.</p>`
    : "<p>Create a NemoVideo account.</p>";
  sendHtml(res, 200, page("Register", text));
}
