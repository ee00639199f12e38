import { createServer } from "node:net";
import type { Config } from "../config/config.js";
import { slackServesHttp } from "../config/platform-setup.js";
import type { CheckResult } from "../core/check-result.js";
import { errorCode } from "../core/error-code.js";
import type { Role } from "./role.js";

/** The interface the public port listens on. */
export const PUBLIC_HOST = "0.0.0.0";

/** Whether this role binds the public `PORT`: only to serve Slack over HTTP (events, OAuth pages). */
export function bindsPublicPort(config: Config, role: Role): boolean {
  return role !== "worker" && slackServesHttp(config);
}

/** Tries to listen on `port`; resolves to undefined when it could, else to the error's code. */
function tryListen(port: number, host: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error) => resolve(errorCode(error) ?? "error"));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** A port free right now on `host` (the OS's choice), to name in a fix. */
function freePort(host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(undefined));
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : undefined));
    });
  });
}

/**
 * What to do about a port that cannot be bound: the variable to change and a value that fixes it. The
 * same words at `start` (a failed listen) and in `doctor` (the probe).
 */
export function portFailureText(
  variable: "PORT" | "ADMIN_PORT",
  port: number,
  host: string,
  code: string,
  free?: number,
): string {
  const value = free === undefined ? `${variable} to a free port` : `${variable}=${free} (free now)`;
  if (code === "EADDRINUSE") {
    const admin =
      variable === "ADMIN_PORT" ? ", or unset ADMIN_PORT (the default when free, else any free port)" : "";
    return `${variable} ${port} on ${host} is in use — set ${value}${admin}, or stop the other process`;
  }
  if (code === "EACCES")
    return `${variable} ${port} needs privileges this process does not have — set ${value} (above 1023)`;
  if (code === "EADDRNOTAVAIL" && variable === "ADMIN_PORT") {
    return `${host} is not an address of this host — set ADMIN_HOST=127.0.0.1 (or one of this host's addresses)`;
  }
  return `${variable} ${port} on ${host} cannot be bound (${code})`;
}

async function publicPortCheck(config: Config, role: Role): Promise<CheckResult> {
  const name = "public port";
  if (!bindsPublicPort(config, role)) {
    return {
      name,
      status: "skip",
      detail:
        "PORT not bound: only Slack over HTTP (events, OAuth install pages) needs it; Discord, Socket Mode, the console and workers do not",
    };
  }
  const code = config.PORT === 0 ? undefined : await tryListen(config.PORT, PUBLIC_HOST);
  if (code === undefined) {
    return {
      name,
      status: "ok",
      detail: `PORT ${config.PORT === 0 ? "0 (any free port)" : config.PORT} on ${PUBLIC_HOST}: free (/slack/events, /healthz)`,
    };
  }
  const free = await freePort(PUBLIC_HOST);
  return { name, status: "fail", detail: portFailureText("PORT", config.PORT, PUBLIC_HOST, code, free) };
}

async function adminPortCheck(config: Config): Promise<CheckResult> {
  const name = "admin port";
  const { ADMIN_PORT: port, ADMIN_HOST: host } = config;
  const code = port === 0 ? undefined : await tryListen(port, host);
  if (code === undefined) {
    return {
      name,
      status: "ok",
      detail: `ADMIN_PORT ${port === 0 ? "0 (any free port)" : port} on ${host}: free`,
    };
  }
  if (code === "EADDRINUSE" && !config.adminPortExplicit) {
    return {
      name,
      status: "ok",
      detail: `ADMIN_PORT unset: the default ${port} on ${host} is in use, so start takes any free port (printed at start, and in /healthz)`,
    };
  }
  const free = await freePort(host);
  return { name, status: "fail", detail: portFailureText("ADMIN_PORT", port, host, code, free) };
}

/** The ports a process of this role would bind, probed now: `doctor` and `start` run the same checks. */
export async function portChecks(config: Config, role: Role): Promise<CheckResult[]> {
  return [await publicPortCheck(config, role), await adminPortCheck(config)];
}
