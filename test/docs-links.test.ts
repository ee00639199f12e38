import { existsSync, readdirSync, readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/** README and docs/ stand on their own: every relative link names a file (and heading) in the repository. */
const root = join(import.meta.dirname, "..");
const pages = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/ /g, "-");
}

function anchors(path: string): Set<string> {
  const text = readFileSync(path, "utf8").replace(/```[\s\S]*?```/g, "");
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => slug(match[1]!.trim())));
}

describe.each(pages)("%s", (page) => {
  const text = readFileSync(join(root, page), "utf8");

  it("points at nothing outside the repository", () => {
    expect(text).not.toMatch(/\.\.\/shared/);
  });

  it("names only source files and folders that exist", () => {
    const paths = [...text.matchAll(/`((?:src|test|bench|deploy|scripts)\/[^`\s*<…]+)`/g)].map(
      (match) => match[1]!,
    );
    for (const path of paths) expect(existsSync(join(root, path.replace(/[,.:;]$/, ""))), path).toBe(true);
  });

  it("links only to files and headings that exist", () => {
    const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
    for (const link of links.filter((target) => !/^[a-z]+:/i.test(target))) {
      const [file = "", anchor] = link.split("#");
      const target = file === "" ? join(root, page) : join(root, dirname(page), file);
      expect(relative(root, target).startsWith(".."), link).toBe(false);
      expect(existsSync(target), link).toBe(true);
      if (anchor) expect([...anchors(target)], link).toContain(anchor);
    }
  });
});

describe("source comments", () => {
  it("cite only documents that are in the repository", async () => {
    const all = await readdir(root, { recursive: true, withFileTypes: true });
    const files = all.filter((e) => e.isFile() && !e.parentPath.includes("node_modules"));
    const documents = new Set(files.filter((e) => e.name.endsWith(".md")).map((e) => e.name));
    const sources = files.filter(
      (e) => /\.ts$/.test(e.name) && /[/\\](src|test|bench)([/\\]|$)/.test(e.parentPath),
    );
    const cited = sources.flatMap((e) =>
      [...readFileSync(join(e.parentPath, e.name), "utf8").matchAll(/\b([\w-]+\.md)\b/g)].map(
        (m) => `${e.name}: ${m[1]}`,
      ),
    );
    expect(cited.filter((entry) => !documents.has(entry.split(": ")[1]!))).toEqual([]);
  });
});
