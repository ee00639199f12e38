/**
 * The keys that occur more than once in one object of a JSON text (`JSON.parse` silently keeps the
 * last), as `path.key`; throws on text that is not JSON. For log lines: pino writes what it is given.
 */
export function duplicateKeys(text: string): string[] {
  let at = 0;
  const found: string[] = [];
  const space = () => {
    while (/\s/.test(text[at] ?? "")) at++;
  };
  const fail = (): never => {
    throw new Error(`not JSON at ${at}: ${text.slice(at, at + 20)}`);
  };
  const string = (): string => {
    const start = at;
    at++;
    while (text[at] !== '"') {
      if (at >= text.length) fail();
      at += text[at] === "\\" ? 2 : 1;
    }
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const value = (path: string): void => {
    space();
    const char = text[at];
    if (char === "{") {
      at++;
      const seen = new Set<string>();
      space();
      if (text[at] === "}") return void at++;
      for (;;) {
        space();
        if (text[at] !== '"') fail();
        const key = string();
        if (seen.has(key)) found.push(`${path}${key}`);
        seen.add(key);
        space();
        if (text[at++] !== ":") fail();
        value(`${path}${key}.`);
        space();
        const next = text[at++];
        if (next === "}") return;
        if (next !== ",") fail();
      }
    }
    if (char === "[") {
      at++;
      space();
      if (text[at] === "]") return void at++;
      for (;;) {
        value(path);
        space();
        const next = text[at++];
        if (next === "]") return;
        if (next !== ",") fail();
      }
    }
    if (char === '"') return void string();
    const literal = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(at));
    if (!literal) fail();
    at += literal![0].length;
  };
  value("");
  space();
  if (at !== text.length) fail();
  return found;
}
