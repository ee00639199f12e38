import type { SimulatorOptions } from "./types.js";

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
});

const ENUMS: Partial<Record<keyof ResolvedOptions, readonly string[]>> = {
  dialect: ["typed", "agent"],
  authErrorForm: ["envelope", "http"],
  renderForm: ["output", "data"],
};

function isKnob(key: string): key is keyof ResolvedOptions {
  return Object.hasOwn(DEFAULT_OPTIONS, key);
}

/** Checks one knob value against the default's type (and the allowed values of enum knobs). */
function knobError(key: keyof ResolvedOptions, value: unknown): string | undefined {
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
    else if (key === "port" || key === "host" || key === "publicUrl")
      errors.push(`${key} cannot change while running`);
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
