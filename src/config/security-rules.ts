import { z } from "zod";
import { isLoopbackHost } from "../core/loopback-host.js";

/** How to make a good secret, said in every refusal. */
export const GENERATE_SECRET_HINT = "generate one with `openssl rand -hex 32`";

/** Words that mark a value copied from an example instead of generated. */
const PLACEHOLDER_WORDS = [
  "changeme",
  "replaceme",
  "placeholder",
  "yoursecret",
  "yourtoken",
  "insert",
  "change",
  "here",
  "your",
  "example",
  "password",
  "secret",
  "token",
  "admin",
  "default",
  "test",
];

/**
 * A value copied from an example rather than generated: a known placeholder word (`CHANGE-ME`, `secret`,
 * `password` …) repeated or padded with separators, one character repeated (`xxxx…`, `0000…`), a short
 * unit repeated, or too few distinct characters to be random.
 */
export function isPlaceholderSecret(value: string): boolean {
  const letters = value.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (letters === "") return true;
  if (/^change-?me/i.test(value.replace(/_/g, "-"))) return true;
  const stripped = PLACEHOLDER_WORDS.reduce((rest, word) => rest.split(word).join(""), letters);
  if (stripped.replace(/\d/g, "").length === 0 && stripped.length < 8) return true;
  if (/^(.{1,8}?)\1+$/.test(letters)) return true;
  return new Set(value).size < 6;
}

/**
 * An optional secret that must be generated, not typed: at least `minLength` characters and no known
 * placeholder; each refusal says how to generate one.
 */
export const strongSecret = (minLength: number) =>
  z
    .string()
    .trim()
    .transform((value) => (value === "" ? undefined : value))
    .optional()
    .superRefine((value, context) => {
      if (value === undefined) return;
      if (isPlaceholderSecret(value))
        context.addIssue({
          code: z.ZodIssueCode.custom,
          message: `is a placeholder, not a generated value: ${GENERATE_SECRET_HINT}`,
        });
      else if (value.length < minLength)
        context.addIssue({
          code: z.ZodIssueCode.custom,
          message: `must be at least ${minLength} characters (it has ${value.length}): ${GENERATE_SECRET_HINT}`,
        });
    });

/** Whether a configured URL talks to this host only (plain http is safe there). */
function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** An http(s) URL; the scheme is named in the message (a `redis://` or `ftp://` value is refused). */
export const httpUrl = (fallback: string) =>
  z
    .string()
    .trim()
    .url({ message: "must be a URL" })
    .refine((value) => /^https?:\/\//i.test(value), { message: "must be an http:// or https:// URL" })
    .default(fallback);

interface SecurityView {
  NEMO_API_URL: string;
  NEMO_WEB_URL: string;
  NEMO_ALLOW_INSECURE_HTTP: boolean;
  ADMIN_HOST: string;
  ADMIN_TOKEN?: string | undefined;
  ADMIN_BOARD_WRITES: boolean;
}

/**
 * The rules between security-related variables, for `start` and `doctor` alike (both validate through
 * `loadConfig`): the admin port beyond loopback needs a token, board writes need a token, and the
 * backend's URLs are https unless they point at this host or plain http is explicitly allowed.
 */
export function securityProblems(config: SecurityView): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (!config.ADMIN_TOKEN && !isLoopbackHost(config.ADMIN_HOST))
    problems.push({
      path: "ADMIN_HOST",
      message: `${config.ADMIN_HOST} listens beyond loopback without ADMIN_TOKEN (metrics and the queue board would be open to the network): set ADMIN_TOKEN (${GENERATE_SECRET_HINT}), or ADMIN_HOST=127.0.0.1`,
    });
  if (config.ADMIN_BOARD_WRITES && !config.ADMIN_TOKEN)
    problems.push({
      path: "ADMIN_BOARD_WRITES",
      message: `queue board writes need ADMIN_TOKEN: set ADMIN_TOKEN (${GENERATE_SECRET_HINT}), or leave ADMIN_BOARD_WRITES unset (read-only board)`,
    });
  if (!config.NEMO_ALLOW_INSECURE_HTTP)
    for (const name of ["NEMO_API_URL", "NEMO_WEB_URL"] as const) {
      const url = config[name];
      if (/^http:\/\//i.test(url) && !isLoopbackUrl(url))
        problems.push({
          path: name,
          message: `plain http to ${new URL(url).host} sends the bearer token unencrypted: use https://, or set NEMO_ALLOW_INSECURE_HTTP=true for a trusted private network`,
        });
    }
  return problems;
}
