import { readFileSync } from "node:fs";
import { Agent } from "undici";

/**
 * A self-signed certificate for 127.0.0.1 (valid for 100 years), so fake file hosts can serve https:
 * the bot sends a platform token over https only.
 */
export const TEST_TLS = {
  cert: readFileSync(new URL("./cert.pem", import.meta.url)),
  key: readFileSync(new URL("./key.pem", import.meta.url)),
};

/** A connection pool that trusts `TEST_TLS` (the bot's downloads in tests). */
export function trustingDispatcher(): Agent {
  return new Agent({ connect: { ca: TEST_TLS.cert } });
}
