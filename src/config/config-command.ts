import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { PACKAGE_ROOT } from "../core/package-info.js";
import { ConfigDocsError, type GeneratedFile, generatedConfigFiles } from "./config-reference.js";

/**
 * `nemo-video-bot config [--check]`: writes `docs/configuration.md` and `.env.example` from the schema,
 * or (`--check`) exits 1 when the committed files differ from what it would write. `more`: other
 * generated files, from parts the configuration does not know (README's permission tables).
 */
export function runConfigCommand(
  args: string[],
  root: string = PACKAGE_ROOT,
  write: (text: string) => void = (text) => process.stdout.write(text),
  more: (root: string) => GeneratedFile[] = () => [],
): number {
  const { values } = parseArgs({ args, options: { check: { type: "boolean" } } });
  let files: ReturnType<typeof generatedConfigFiles>;
  try {
    files = [...generatedConfigFiles(), ...more(root)];
  } catch (error) {
    if (!(error instanceof ConfigDocsError)) throw error;
    write(`${error.message}\n`);
    return 1;
  }
  if (values.check) {
    const stale = files.filter((file) => {
      const path = join(root, file.path);
      return !existsSync(path) || readFileSync(path, "utf8") !== file.text;
    });
    for (const file of stale) write(`${file.path} is out of date: run \`npm run config\` and commit it\n`);
    if (stale.length === 0) write(`${files.map((file) => file.path).join(" and ")} match the schema\n`);
    return stale.length === 0 ? 0 : 1;
  }
  for (const file of files) {
    const path = join(root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text);
    write(`wrote ${file.path}\n`);
  }
  return 0;
}
