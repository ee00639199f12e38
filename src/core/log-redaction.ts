import { stdSerializers } from "pino";

/** What replaces a secret in a log line. */
export const REDACTED = "[redacted]";

/** Field names whose values never reach a log line, at any depth (compared without case, `_` or `-`). */
const SECRET_FIELDS = new Set(
  ["authorization", "cookie", "setCookie", "responseUrl", "privateReplyTo", "sealed", "clientId"].map(
    (name) => name.toLowerCase(),
  ),
);

/**
 * Secrets recognised by their shape wherever they appear in a string: NemoVideo tokens (`nmv_`), claim
 * tokens (`clm_`), Slack tokens (`xoxb-`, `xoxp-`, `xoxe-`, `xapp-` …), bearer credentials, Slack
 * `response_url`s, Discord interaction addresses and webhook tokens. A new shape's start goes into
 * `MAY_HOLD_SECRET` too.
 */
const SECRET_SHAPES: readonly [RegExp, string][] = [
  [/\b(nmv|clm)_[\w-]+/g, `$1_${REDACTED}`],
  [/\bx(ox[a-z]|app)-[\w-]+/gi, `x$1-${REDACTED}`],
  [/\b(Bearer|Basic)\s+[\w.~+/=-]+/gi, `$1 ${REDACTED}`],
  [
    /https?:\/\/[\w.-]*slack\.com\/(commands|actions|workflows)\/[^\s"']*/g,
    `https://hooks.slack.com/$1/${REDACTED}`,
  ],
  [/\binteraction:(\d+):[\w.-]+/g, `interaction:$1:${REDACTED}`],
  [/\/webhooks\/(\d+)\/[\w.-]+/g, `/webhooks/$1/${REDACTED}`],
];

const MAX_DEPTH = 8;

/**
 * A field named like a secret: listed, or `…secret…`, `…password…`, `…token` (`SLACK_STATE_SECRET`, `NEMO_TOKEN`);
 * `call.<name>` (the logger's name for a value a child logger bound differently) is judged by `<name>`.
 */
function isSecretField(name: string): boolean {
  let secret = secretFieldNames.get(name);
  if (secret === undefined) {
    secret = namesSecret(name);
    // Log fields are the code's own few names; nested payloads could bring any, so the memo is bounded.
    if (secretFieldNames.size < 1_000) secretFieldNames.set(name, secret);
  }
  return secret;
}

/** Every log line's fields go through {@link isSecretField}: its answer per name, computed once. */
const secretFieldNames = new Map<string, boolean>();

function namesSecret(name: string): boolean {
  const plain = name
    .replace(/^call\./, "")
    .replace(/[-_]/g, "")
    .toLowerCase();
  return SECRET_FIELDS.has(plain) || /secret|password/.test(plain) || plain.endsWith("token");
}

/** Flags and counts under a secret's name (`userToken: true`) say nothing secret. */
function holdsSecret(value: unknown): boolean {
  return value !== undefined && value !== null && typeof value !== "boolean" && typeof value !== "number";
}

/**
 * What every shape above starts with (case aside): a string without any of these holds none of them,
 * and is returned after one scan instead of six (most log strings: ids, event names, plain text).
 */
const MAY_HOLD_SECRET = /nmv_|clm_|x(ox[a-z]|app)-|bearer|basic|slack\.com|interaction:|\/webhooks\//i;

/** `text` with every secret of a known shape replaced. */
export function redactText(text: string): string {
  if (!MAY_HOLD_SECRET.test(text)) return text;
  let result = text;
  for (const [shape, replacement] of SECRET_SHAPES) result = result.replace(shape, replacement);
  return result;
}

/**
 * `value` with secrets removed at any depth: fields named like a secret (`token`, `authorization`,
 * `response_url`, `client_secret` …) censored, strings holding a secret of a known shape rewritten.
 * Returns the same object when nothing had to change (no copy on the common path).
 */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (typeof value === "string") return redactText(value) as T;
  if (typeof value !== "object" || value === null || depth >= MAX_DEPTH) return value;
  if (value instanceof Error) {
    // As pino writes it (type, message and stack with their causes, the error's own fields), redacted.
    const serialized = { ...stdSerializers.err(value) } as Record<string, unknown>;
    const redacted = redactSecrets(serialized, depth + 1);
    return (redacted === serialized ? value : redacted) as T;
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => redactSecrets(item, depth + 1));
    return (items.some((item, i) => item !== value[i]) ? items : value) as T;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [name, field] of Object.entries(value)) {
    const redacted = isSecretField(name) && holdsSecret(field) ? REDACTED : redactSecrets(field, depth + 1);
    if (redacted === field) continue;
    copy ??= { ...(value as Record<string, unknown>) };
    copy[name] = redacted;
  }
  return (copy ?? value) as T;
}
