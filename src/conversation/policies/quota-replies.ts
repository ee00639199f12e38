import type { Lang } from "../../core/conversation/language.js";
import { type TextKey, text } from "../../core/conversation/texts.js";
import type { QuotaRefusal } from "../../store/quotas.js";

const WHAT: Record<"turns" | "generations" | "exports", TextKey> = {
  turns: "quota_what_turns",
  generations: "quota_what_generations",
  exports: "quota_what_exports",
};

const SCOPE: Record<string, TextKey> = {
  user: "quota_scope_user",
  channel: "quota_scope_channel",
  workspace: "quota_scope_workspace",
  global: "quota_scope_global",
};

/** What the user reads when a quota refuses: which limit, and when it resets. */
export function quotaRefusalText(lang: Lang, refusal: QuotaRefusal): string {
  if (refusal.limit === "queued") return text(lang, "quota_queued", { max: refusal.max });
  if (refusal.limit === "running") return text(lang, "quota_running", { max: refusal.max });
  return text(lang, "quota_reached", {
    what: text(lang, WHAT[refusal.limit]),
    scope: text(lang, SCOPE[refusal.scope ?? "user"] ?? "quota_scope_user"),
    max: refusal.max,
    reset: resetText(lang, refusal.resetMs),
  });
}

function resetText(lang: Lang, ms: number): string {
  const total = Math.max(1, Math.ceil(ms / 60_000));
  if (total < 60) return text(lang, "quota_reset_minutes", { minutes: total });
  return text(lang, "quota_reset_hours", { hours: Math.floor(total / 60), minutes: total % 60 });
}
