import type { IncomingMessage, ServerResponse } from "node:http";
import { isLoopbackHost } from "../core/loopback-host.js";

/** The host name of a `Host` header, without its port (`[::1]:9464` → `::1`); undefined when absent. */
function hostName(header: string | undefined): string | undefined {
  const value = header?.trim().toLowerCase();
  if (!value) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) return bracketed[1];
  return value.replace(/:\d+$/, "");
}

/**
 * The DNS-rebinding guard of an admin port without a token: a page on another site that makes its name
 * resolve to 127.0.0.1 still sends its own name as `Host`, so only loopback names and the configured
 * `ADMIN_ALLOWED_HOSTS` are answered. The port is not compared: an `ssh -L` tunnel changes it.
 */
export function isAllowedAdminHost(header: string | undefined, allowed: readonly string[]): boolean {
  const name = hostName(header);
  if (!name) return false;
  return isLoopbackHost(name) || allowed.some((host) => host.toLowerCase() === name);
}

/** Answers 421 (Misdirected Request) for a refused `Host`; the caller logs it. */
export function refuseAdminHost(res: ServerResponse): void {
  res
    .writeHead(421, { "content-type": "text/plain" })
    .end("misdirected request: this admin port answers loopback host names only (see ADMIN_ALLOWED_HOSTS)\n");
}

/** The `Host` header as sent, cut short, fit for a log line (it names a host, never a secret). */
export function hostForLog(req: IncomingMessage): string {
  return (req.headers.host ?? "(none)").slice(0, 100);
}
