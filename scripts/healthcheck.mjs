// Container health probe (Dockerfile HEALTHCHECK, compose healthchecks), with node's own fetch: no curl in
// the image. Exit 0 when the URL answers 2xx within 4 s, else 1. Without an argument it asks /healthz on
// ADMIN_PORT (every process serves it there), and on PORT (the gateway's public port) only when nothing
// listens on ADMIN_PORT: an answer, even an error status, is the verdict.
const ports = [process.env.ADMIN_PORT, process.env.PORT || "3000"].filter(Boolean);
const urls = process.argv[2] ? [process.argv[2]] : ports.map((port) => `http://127.0.0.1:${port}/healthz`);
process.exitCode = 1;
for (const url of urls) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(4_000) });
    if (response.ok) process.exitCode = 0;
    else console.error(`${url}: HTTP ${response.status}`);
    break;
  } catch (error) {
    console.error(
      `${url}: ${error instanceof Error ? (error.cause?.message ?? error.message) : String(error)}`,
    );
  }
}
