import type { ConversationRef } from "../../core/conversation/conversation-ref.js";
import type { Lang } from "../../core/conversation/language.js";
import { countText, text } from "../../core/conversation/texts.js";
import type { Quotas } from "../../store/quotas.js";
import type { PlaceUsage, Usage } from "../../store/usage.js";
import type { Permissions } from "../policies/permissions.js";
import type { CommandHandler } from "./answers.js";

export interface UsageParts {
  usage: Pick<Usage, "ofUser" | "ofPlace">;
  quotas: Pick<Quotas, "settings" | "userLimits">;
  permissions: Pick<Permissions, "isAdmin">;
}

const DAY_HOURS = 24;
const WEEK_HOURS = 7 * 24;

/**
 * `/usage`: a member reads their own use (24 h, 7 days) and where they stand against their limits; an
 * admin also reads the place's (guild/workspace): totals, estimated credits and the most active members.
 * Answered to the sender only where the platform allows.
 */
export function usageCommand(parts: UsageParts): CommandHandler {
  return async ({ inbound, lang, answer }) => {
    const { ref, user } = inbound;
    const lines = [await ownUse(parts, ref, user.id, lang)];
    const admin = await parts.permissions.isAdmin(ref, user);
    if (admin && parts.quotas.settings.adminsExempt) lines.push(text(lang, "usage_admin_exempt"));
    else lines.push(await ownLimits(parts, ref, user.id, lang));
    if (admin) lines.push("", ...(await placeUse(parts, ref, lang)));
    await answer.tell({ text: lines.join("\n") });
  };
}

async function ownUse(parts: UsageParts, ref: ConversationRef, userId: string, lang: Lang): Promise<string> {
  const [day, week] = await Promise.all([
    parts.usage.ofUser(ref, userId, DAY_HOURS),
    parts.usage.ofUser(ref, userId, WEEK_HOURS),
  ]);
  return text(lang, "usage_mine", {
    turns: countText(lang, "turns", day.turns),
    generations: countText(lang, "generations", day.generations),
    exports: countText(lang, "exports", day.exports),
    turns7: countText(lang, "turns", week.turns),
    generations7: countText(lang, "generations", week.generations),
    exports7: countText(lang, "exports", week.exports),
  });
}

async function ownLimits(
  parts: UsageParts,
  ref: ConversationRef,
  userId: string,
  lang: Lang,
): Promise<string> {
  const limits = await parts.quotas.userLimits({ ref, userId });
  const value = (kind: "turns" | "generations" | "exports") => {
    const limit = limits.find((entry) => entry.kind === kind);
    return limit
      ? text(lang, "usage_limit_value", { used: Math.min(limit.used, limit.max), max: limit.max })
      : text(lang, "usage_unlimited");
  };
  return text(lang, "usage_limits", {
    turns: value("turns"),
    generations: value("generations"),
    exports: value("exports"),
  });
}

/** An admin's view of the place: totals of the last day and week, and the most active members. */
async function placeUse(parts: UsageParts, ref: ConversationRef, lang: Lang): Promise<string[]> {
  const [placeDay, placeWeek] = await Promise.all([
    parts.usage.ofPlace(ref, DAY_HOURS),
    parts.usage.ofPlace(ref, WEEK_HOURS),
  ]);
  const top =
    placeWeek.top.length === 0
      ? text(lang, "usage_nobody")
      : text(lang, "usage_top", {
          list: placeWeek.top
            .map((entry) =>
              text(lang, "usage_top_entry", {
                user: mention(ref.platform, entry.userId),
                turns: countText(lang, "turns", entry.turns),
                generations: countText(lang, "generations", entry.generations),
              }),
            )
            .join(", "),
        });
  return [
    text(lang, "usage_place_header"),
    periodLine(lang, "usage_period_day", placeDay),
    periodLine(lang, "usage_period_week", placeWeek),
    top,
  ];
}

function periodLine(
  lang: Lang,
  period: "usage_period_day" | "usage_period_week",
  counts: PlaceUsage,
): string {
  const { turns, generations, exports, credits } = counts;
  return text(lang, "usage_place_period", {
    turns: countText(lang, "turns", turns),
    generations: countText(lang, "generations", generations),
    exports: countText(lang, "exports", exports),
    credits,
    period: text(lang, period),
  });
}

/** How a member is named in the report: a mention the platform renders (it pings nobody in an ephemeral note). */
function mention(platform: string, userId: string): string {
  return platform === "console" ? userId : `<@${userId}>`;
}
