// Container health probe (Dockerfile HEALTHCHECK, compose healthchecks), with node's own fetch: no curl in
// the image. Exit 0 when the URL answers 2xx within 4 s, else 1. Default URL: /healthz on ADMIN_PORT when
// it is set (every process serves it there), else on PORT (the gateway's public port).
const port = process.env.ADMIN_PORT || process.env.PORT || "3000";
const url = process.argv[2] ?? `http://127.0.0.1:${port}/healthz`;
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(4_000) });
  process.exitCode = response.ok ? 0 : 1;
  if (!response.ok) console.error(`${url}: HTTP ${response.status}`);
} catch (error) {
  console.error(`${url}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
