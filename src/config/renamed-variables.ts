/**
 * Variables that were renamed, by their old name. The old name is still read when the new one is unset,
 * and `start` and `doctor` say so (one line each), so an upgrade never silently drops a setting.
 */
const RENAMED: Readonly<Record<string, string>> = {
  RENDER_CONCURRENCY: "EXPORT_CONCURRENCY",
};

/** The old names set in `env`, each with the name that replaces it. */
export function renamedVariablesIn(env: NodeJS.ProcessEnv): { name: string; replacement: string }[] {
  return Object.entries(RENAMED)
    .filter(([name]) => env[name] !== undefined)
    .map(([name, replacement]) => ({ name, replacement }));
}

/** `env` with each old name's value under its new name, where the new name is not set itself. */
export function withRenamedVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const renamed = { ...env };
  for (const { name, replacement } of renamedVariablesIn(env)) renamed[replacement] ??= env[name];
  return renamed;
}
