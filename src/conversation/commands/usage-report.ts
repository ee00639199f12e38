import type { ConversationRef } from "../../core/conversation/conversation-ref.js";
import type { Lang } from "../../core/conversation/language.js";
import { countText, text } from "../../core/conversation/texts.js";
import type { Quotas } from "../../store/quotas.js";
import type { PlaceUsage, Usage } from "../../store/usage.js";
import type { Permissions } from "../policies/permissions.js";
import type { CommandHandler } from "./answers.js";

export interface UsageParts {
  usage: Pick<Usage, "ofUser" | "ofPlace" | "ofAll">;
  quotas: Pick<Quotas, "settings" | "userLimits">;
  permissions: Pick<Permissions, "may" | "quotaExemption">;
}

/** The report's periods in hours: the last day and the last week (read together, once). */
const SPANS = [24, 7 * 24] as const;

/**
 * `/usage`: a member reads their own use (24 h, 7 days) and where they stand against their limits; the
 * place's admins (and operators) also read the place's (guild/workspace; a DM is its member's own):
 * totals, estimated credits and the most active members; operators also every place's together.
 * Answered to the sender only (see `deliverPrivately`), never in the thread.
 */
export function usageCommand(parts: UsageParts): CommandHandler {
  return async ({ inbound, lang, answer }) => {
    const { ref, user } = inbound;
    const { permissions } = parts;
    const lines = [await ownUse(parts, ref, user.id, lang)];
    const exemption = await permissions.quotaExemption(ref, user);
    if (exemption === "all") lines.push(text(lang, "usage_operator_exempt"));
    else {
      if (exemption === "place") lines.push(text(lang, "usage_admin_exempt"));
      lines.push(await ownLimits(parts, ref, user.id, lang));
    }
    if (await permissions.may("usage-place", ref, user)) {
      const [day, week] = await parts.usage.ofPlace(ref, SPANS);
      lines.push("", text(lang, "usage_place_header"), ...placeUse(day!, week!, ref, lang));
    }
    if (await permissions.may("usage-all", ref, user)) {
      const [day, week] = await parts.usage.ofAll(SPANS);
      lines.push("", text(lang, "usage_all_header"), ...placeUse(day!, week!, undefined, lang));
    }
    // Never the thread: a typed "/usage" has no private address (Discord: the sender's DM with the bot).
    if (!(await answer.onlyToSender({ text: lines.join("\n") }))) await answer.say("usage_private_failed");
  };
}

async function ownUse(parts: UsageParts, ref: ConversationRef, userId: string, lang: Lang): Promise<string> {
  const [day, week] = await parts.usage.ofUser(ref, userId, SPANS);
  return text(lang, "usage_mine", {
    turns: countText(lang, "turns", day!.turns),
    generations: countText(lang, "generations", day!.generations),
    exports: countText(lang, "exports", day!.exports),
    turns7: countText(lang, "turns", week!.turns),
    generations7: countText(lang, "generations", week!.generations),
    exports7: countText(lang, "exports", week!.exports),
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

/**
 * Totals of the last day and week, and the most active members (of the place of `ref`), or the most
 * active places (across places, `ref` undefined).
 */
function placeUse(
  placeDay: PlaceUsage,
  placeWeek: PlaceUsage,
  ref: ConversationRef | undefined,
  lang: Lang,
): string[] {
  const top =
    placeWeek.top.length === 0
      ? text(lang, "usage_nobody")
      : text(lang, "usage_top", {
          list: placeWeek.top
            .map((entry) =>
              text(lang, "usage_top_entry", {
                user: ref ? mention(ref.platform, entry.userId) : entry.userId,
                turns: countText(lang, "turns", entry.turns),
                generations: countText(lang, "generations", entry.generations),
              }),
            )
            .join(", "),
        });
  return [
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
