import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { GeneratedFile } from "../config/config-reference.js";
import { readmeWithPermissions } from "../conversation/policies/permission-docs.js";

/** README.md with its "Who may do what" tables rendered from the permission table (`npm run config`). */
export function readmeFile(root: string): GeneratedFile[] {
  const path = "README.md";
  return [{ path, text: readmeWithPermissions(readFileSync(join(root, path), "utf8")) }];
}
