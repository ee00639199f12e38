import type { Lang } from "./language.js";
import { text } from "./texts.js";

/** Cells of the bar. */
const BAR_CELLS = 10;

/** `▓▓▓▓▓░░░░░ 52%`: the percentage as a bar of ten cells and the number. */
export function progressBar(percent: number): string {
  const shown = Math.max(0, Math.min(100, Math.round(percent)));
  const filled = Math.round((shown / 100) * BAR_CELLS);
  return `${"▓".repeat(filled)}${"░".repeat(BAR_CELLS - filled)} ${shown}%`;
}

/**
 * Milliseconds left at the rate observed so far (`percent` done in `elapsedMs`); undefined while there is
 * no rate to go by (nothing done yet) or nothing left.
 */
export function remainingMs(percent: number, elapsedMs: number): number | undefined {
  if (!(percent > 0) || percent >= 100 || !(elapsedMs > 0)) return undefined;
  return (elapsedMs * (100 - percent)) / percent;
}

/** "about 40 s left" / "about 3 min left" (rounded up to 5 s below a minute). */
export function etaText(lang: Lang, ms: number): string {
  const seconds = Math.max(5, Math.ceil(ms / 5000) * 5);
  if (seconds < 60) return text(lang, "eta_seconds", { seconds });
  return text(lang, "eta_minutes", { minutes: Math.round(seconds / 60) });
}

/** "42 s" / "3 min 05 s": time spent so far. */
export function elapsedText(lang: Lang, ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  if (total < 60) return text(lang, "elapsed_seconds", { seconds: total });
  return text(lang, "elapsed_minutes", {
    minutes: Math.floor(total / 60),
    seconds: String(total % 60).padStart(2, "0"),
  });
}

/** The export line: `🎞️ Exporting… ▓▓▓▓▓░░░░░ 52% · about 40 s left` (no ETA before any progress). */
export function exportProgressText(lang: Lang, percent: number, elapsedMs: number): string {
  const left = remainingMs(percent, elapsedMs);
  const bar = progressBar(percent);
  return text(lang, "export_progress", { bar: left === undefined ? bar : `${bar} · ${etaText(lang, left)}` });
}

/** A generation step with the time spent: `🎬 Generating video — usually 2–5 min · 42 s`. */
export function labelWithElapsed(lang: Lang, label: string, elapsedMs: number): string {
  return `${label} · ${elapsedText(lang, elapsedMs)}`;
}
