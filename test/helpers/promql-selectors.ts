/** One label matcher of a PromQL selector: `queue="turn"`, `kind=~"network|server_error"`. */
export interface Matcher {
  label: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

/** One series selector of a PromQL expression: a metric name and its label matchers. */
export interface Selector {
  metric: string;
  matchers: Matcher[];
  /** As written, for messages: `nemo_queue_jobs{state="failed"}`. */
  text: string;
}

const KEYWORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "and",
  "or",
  "unless",
  "offset",
]);

/**
 * The series selectors of a PromQL expression. Function calls (`rate(`), aggregation clauses
 * (`by (queue)`), range durations (`[5m]`), keywords and numbers are not selectors; a selector's
 * `{…}` is read with it. Enough PromQL for dashboards and alert rules, not a full parser.
 */
export function selectorsOf(expr: string): Selector[] {
  const cleaned = expr
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\[[^\]]*\]/g, " ");
  const selectors: Selector[] = [];
  const token = /([A-Za-z_:][\w:]*)(\s*\{([^}]*)\})?(\s*\()?/g;
  for (const match of cleaned.matchAll(token)) {
    const [text, metric = "", braces, body = "", call] = match;
    if (call || KEYWORDS.has(metric)) continue;
    // A name inside a matcher's quoted value is skipped with the matcher (the braces are consumed).
    const matchers: Matcher[] = [];
    if (braces) {
      for (const m of body.matchAll(/([A-Za-z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)) {
        matchers.push({ label: m[1]!, op: m[2] as Matcher["op"], value: m[3]! });
      }
    }
    selectors.push({ metric, matchers, text: text.replace(/\s*\($/, "").trim() });
  }
  return selectors;
}

/** One sample line of the Prometheus text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a `/metrics` body (comments and blank lines skipped). */
export function parseExposition(body: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of body.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const m of (match[2] ?? "").matchAll(/([A-Za-z_]\w*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]!] = m[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Whether a sample is one the selector selects (regexes are anchored, as in PromQL). */
export function selects(selector: Selector, sample: Sample): boolean {
  if (sample.name !== selector.metric) return false;
  return selector.matchers.every(({ label, op, value }) => {
    const actual = sample.labels[label] ?? "";
    if (op === "=") return actual === value;
    if (op === "!=") return actual !== value;
    const matches = new RegExp(`^(?:${value})$`).test(actual);
    return op === "=~" ? matches : !matches;
  });
}
