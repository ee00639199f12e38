import { request } from "undici";
import { describeFailure, type NetworkFailure, networkFailure } from "../network-failure.js";

/** Whether a backend URL is the real NemoVideo service or something else (the simulator, a staging host). */
export function isRealNemoVideo(url: string): boolean {
  const host = new URL(url).hostname;
  return /(^|\.)nemovideo\.(ai|com)$/.test(host);
}

/** The result of {@link probeBackend}: reachable means the server answered HTTP, whatever the status. */
export type BackendProbe =
  | { reachable: true; status: number; ms: number; simulator: boolean; detail: string }
  | { reachable: false; failure: NetworkFailure | undefined; detail: string };

async function get(url: string, signal: AbortSignal): Promise<number> {
  const response = await request(url, { method: "GET", signal, headersTimeout: 5_000, bodyTimeout: 5_000 });
  await response.body.dump();
  return response.statusCode;
}

/**
 * One GET of the configured URL: any HTTP answer (even 404 — the API has no page at its root) proves the
 * server is reachable; the authenticated calls of the doctor prove the API itself. A failure is named
 * (DNS, refused, TLS, timeout…). A URL that is not NemoVideo is also asked whether it is this project's
 * simulator (`/__sim/options`), so `start` and `doctor` can say so.
 */
export async function probeBackend(url: string, timeoutMs = 5_000): Promise<BackendProbe> {
  const started = Date.now();
  const path = new URL(url).pathname;
  try {
    const status = await get(url, AbortSignal.timeout(timeoutMs));
    const ms = Date.now() - started;
    const simulator =
      !isRealNemoVideo(url) &&
      (await get(new URL("/__sim/options", url).href, AbortSignal.timeout(timeoutMs)).then(
        (code) => code === 200,
        () => false,
      ));
    const detail = simulator
      ? `reachable: the project's simulator answered in ${ms} ms`
      : `reachable: the server answered in ${ms} ms (HTTP ${status} on ${path}; any HTTP answer counts)`;
    return { reachable: true, status, ms, simulator, detail };
  } catch (error) {
    const failure = networkFailure(error);
    return {
      reachable: false,
      failure,
      detail: `cannot reach ${new URL(url).origin}: ${failure ? failure.description : describeFailure(error)}`,
    };
  }
}
