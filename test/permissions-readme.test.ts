import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readmeFile } from "../src/app/readme-permissions.js";
import { ACTIONS, PERMISSION_TABLE, ROLES } from "../src/conversation/policies/permission-table.js";

const root = join(import.meta.dirname, "..");

describe('README "Who may do what" (drift check)', () => {
  it("is what `npm run config` renders from the permission table", () => {
    // On a difference: run `npm run config` and commit README.md.
    const [file] = readmeFile(root);
    expect(readFileSync(join(root, "README.md"), "utf8")).toBe(file!.text);
  });

  it("renders one row per action, one column per role", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    for (const [action, words] of Object.entries(ACTIONS)) {
      const row = readme.split("\n").find((line) => line.startsWith(`| ${words} `));
      expect(row, action).toBeDefined();
      expect(row!.split(" | ")).toHaveLength(ROLES.length + 1);
    }
    expect(Object.keys(PERMISSION_TABLE)).toEqual(Object.keys(ACTIONS));
  });
});
