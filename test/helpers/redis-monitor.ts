import { connect } from "node:net";

/**
 * Redis's MONITOR over a plain socket (every command the server runs, a script's own commands included),
 * calling `onCommand` with each command's arguments. Resolves once the server confirmed MONITOR.
 */
export async function monitorRedis(
  url: string,
  onCommand: (args: string[]) => void,
): Promise<{ stop(): void }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let buffered = "";
  let confirmed: (() => void) | undefined;
  const ready = new Promise<void>((resolve) => {
    confirmed = resolve;
  });
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split("\r\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      if (line === "+OK") confirmed?.();
      else if (line.startsWith("+")) onCommand(parseArgs(line));
    }
  });
  socket.write("MONITOR\r\n");
  await ready;
  return { stop: () => socket.destroy() };
}

/** `+1700000000.1 [0 127.0.0.1:1] "set" "k" "v"` → ["set", "k", "v"] (escapes kept as written). */
function parseArgs(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1] ?? "");
}
