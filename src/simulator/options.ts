import type { SimulatorOptions } from "./types.js";

/*
 * Knobs (all optional; `startSimulator(options)`, `npm run simulator -- --kebab-name value`, or live through
 * `POST /__sim/options {knob: value}`). Besides the historical ones (dialect, timings, credits, faults…):
 * - editCost: credits per editing turn (title, music, trim, remove-title), default 0. With
 *   `generationCost: 100, editCost: 50` turns cost what the public skill says; a balance below the cost
 *   answers 2001 (anonymous accounts: `data.bind_id`, `data.user_id` for `<sim>/register?bind=…`).
 * - claimTokenTtlMs: lifetime of claim tokens (`POST /api/auth/claim-token`), default 7 days.
 * - ffprobe: program used to read uploaded media (default "ffprobe", used when on PATH; "" = never, then the
 *   MP4 box reader / PNG header). Fixed at start.
 * - unknownMediaInfo: "invent" (default: 30 s, 1920×1080 as before) or "omit" the duration/size fields of
 *   uploads that cannot be read (not MP4/PNG without ffprobe, URL uploads).
 * The control endpoints are listed in control.ts.
 */

export type ResolvedOptions = Required<SimulatorOptions>;

export const DEFAULT_OPTIONS: Readonly<ResolvedOptions> = Object.freeze({
  port: 0,
  host: "127.0.0.1",
  publicUrl: "",
  dialect: "agent",
  chunkText: true,
  latencyMs: 0,
  heartbeatIntervalMs: 50,
  generationMs: 200,
  editMs: 20,
  silentEdits: false,
  tokenTtlMs: 7 * 24 * 60 * 60 * 1000,
  authErrorForm: "http",
  credits: 100,
  generationCost: 10,
  uploadMaxBytes: 500 * 1024 * 1024,
  renderSteps: 3,
  renderForm: "output",
  exportBlocked: false,
  editCost: 0,
  claimTokenTtlMs: 7 * 24 * 60 * 60 * 1000,
  ffprobe: "ffprobe",
  unknownMediaInfo: "invent",
});

/** Knobs that cannot change once listening (`ffprobe`: a program path is not set from an HTTP request). */
const FIXED: ReadonlySet<string> = new Set(["port", "host", "publicUrl", "ffprobe"]);

const ENUMS: Partial<Record<keyof ResolvedOptions, readonly string[]>> = {
  dialect: ["typed", "agent"],
  authErrorForm: ["envelope", "http"],
  renderForm: ["output", "data"],
  unknownMediaInfo: ["invent", "omit"],
};

export function isKnob(key: string): key is keyof ResolvedOptions {
  return Object.hasOwn(DEFAULT_OPTIONS, key);
}

/** Checks one knob value against the default's type (and the allowed values of enum knobs). */
export function knobError(key: keyof ResolvedOptions, value: unknown): string | undefined {
  const expected = typeof DEFAULT_OPTIONS[key];
  if (typeof value !== expected) return `${key} must be a ${expected}`;
  if (typeof value === "number" && (!Number.isFinite(value) || value < 0)) {
    return `${key} must be a non-negative number`;
  }
  const allowed = ENUMS[key];
  if (allowed && !allowed.includes(value as string)) return `${key} must be one of ${allowed.join(", ")}`;
  return undefined;
}

/**
 * Validates a patch of knobs (e.g. from `POST /__sim/options`) and returns the problems; merges it into
 * `target` only when there are none. `port` and `host` cannot change once listening.
 */
export function mergeOptions(target: ResolvedOptions, patch: unknown): string[] {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return ["expected a JSON object"];
  const errors: string[] = [];
  const entries = Object.entries(patch);
  for (const [key, value] of entries) {
    if (!isKnob(key)) errors.push(`unknown option ${key}`);
    else if (FIXED.has(key)) errors.push(`${key} cannot change while running`);
    else {
      const error = knobError(key, value);
      if (error) errors.push(error);
    }
  }
  if (errors.length === 0) Object.assign(target, Object.fromEntries(entries));
  return errors;
}

/** Defaults plus the given options (undefined values ignored); throws on an invalid knob. */
export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  const resolved: ResolvedOptions = { ...DEFAULT_OPTIONS };
  const given = Object.entries(options).filter(([, value]) => value !== undefined);
  const errors: string[] = [];
  for (const [key, value] of given) {
    if (!isKnob(key)) errors.push(`unknown option ${key}`);
    else {
      const error = knobError(key, value);
      if (error) errors.push(error);
    }
  }
  if (errors.length > 0) throw new Error(`invalid simulator options: ${errors.join("; ")}`);
  return Object.assign(resolved, Object.fromEntries(given));
}
