/** Where a quota counts: one member, one channel, one guild/workspace, or the whole bot. */
export const QUOTA_SCOPES = ["user", "channel", "workspace", "global"] as const;
export type QuotaScope = (typeof QUOTA_SCOPES)[number];

/** A limit per scope; 0 = unlimited. */
export type ScopedLimits = Readonly<Record<QuotaScope, number>>;

/**
 * Reads `user=30,channel=120,workspace=300,global=1000` (any subset; the rest keep `defaults`).
 * Throws a readable message on an unknown scope or a value that is not a whole number ≥ 0.
 */
export function parseScopedLimits(value: string | undefined, defaults: ScopedLimits): ScopedLimits {
  const limits: Record<QuotaScope, number> = { ...defaults };
  for (const part of (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)) {
    const match = /^(\w+)\s*=\s*(\d+)$/.exec(part);
    const scope = match?.[1] as QuotaScope | undefined;
    if (!match || !scope || !QUOTA_SCOPES.includes(scope)) {
      throw new Error(`"${part}": expected scope=number with scope one of ${QUOTA_SCOPES.join(", ")}`);
    }
    limits[scope] = Number(match[2]);
  }
  return limits;
}

/** The scoped limits as written in the environment, for `doctor` and the docs. */
export function formatScopedLimits(limits: ScopedLimits): string {
  return QUOTA_SCOPES.map((scope) => `${scope}=${limits[scope]}`).join(",");
}

/**
 * Defaults (README "Admins → Limits"). One generated clip costs ~100 credits: an anonymous account
 * holds 100 for a week and a paid one is real money, so generations are the tight limit; turns (mostly
 * edits, a few credits each) allow a lively session; exports cost no credits but load the renderer.
 */
export const DEFAULT_QUOTAS = {
  turnsPerHour: { user: 30, channel: 120, workspace: 300, global: 1000 },
  generationsPerDay: { user: 5, channel: 20, workspace: 50, global: 200 },
  exportsPerDay: { user: 10, channel: 40, workspace: 100, global: 400 },
  queuedPerThread: 5,
  runningTurnsPerUser: 2,
} as const;
