import { existsSync, readdirSync, readFileSync } from "node:fs";
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
