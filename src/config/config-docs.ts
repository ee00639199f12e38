import { BACKEND_DOCS } from "./config-docs-backend.js";
import { PLATFORM_DOCS } from "./config-docs-platforms.js";
import { RUNTIME_DOCS } from "./config-docs-runtime.js";
import type { VariableDoc } from "./variable-doc.js";

/**
 * What each environment variable means, for people who run the bot. Names and defaults live in the
 * schema (`src/config/config.ts`); this map adds the words. `nemo-video-bot config` renders both into
 * `docs/configuration.md` and `.env.example`, and `npm test` fails when a schema variable has no entry
 * here (or an entry names no variable). Adding a variable: one line in the schema, one entry here.
 */

export const CONFIG_DOCS: Readonly<Record<string, VariableDoc>> = {
  ...BACKEND_DOCS,
  ...PLATFORM_DOCS,
  ...RUNTIME_DOCS,
};
