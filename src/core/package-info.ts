import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

interface PackageJson {
  name: string;
  version: string;
  /** The folder holding this package.json (the package root). */
  root: string;
}

/** The package's own package.json, found upwards from this file (src/, dist/ or any build folder). */
function readPackage(): PackageJson {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, "utf8")) as PackageJson;
      if (pkg.name === "nemo-video-bot") return { ...pkg, root: dir };
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("package.json of nemo-video-bot not found");
    dir = parent;
  }
}

const pkg = readPackage();

export const PACKAGE_NAME = pkg.name;
export const PACKAGE_VERSION = pkg.version;
export const PACKAGE_ROOT = pkg.root;
