import type { Inbound } from "../../core/conversation/inbound.js";
import type { Lang } from "../../core/conversation/language.js";
import type { Reply } from "../../core/conversation/reply.js";
import { text } from "../../core/conversation/texts.js";
import type { JobServices } from "../../jobs/services.js";
import type { PlaceUsage } from "../../store/usage.js";

const DAY_HOURS = 24;
const WEEK_HOURS = 7 * 24;

/**
 * `/usage`: a member reads their own use (24 h, 7 days) and where they stand against their limits; an
 * admin also reads the place's (guild/workspace): totals, estimated credits and the most active members.
 * Answered to the sender only where the platform allows.
 */
export async function reportUsage(
  services: Pick<JobServices, "usage" | "quotas" | "permissions">,
  inbound: Inbound,
  lang: Lang,
  tell: (reply: Reply) => Promise<void>,
): Promise<void> {
  const { usage, quotas, permissions } = services;
  const { ref, user } = inbound;
  const [day, week] = await Promise.all([
    usage.ofUser(ref, user.id, DAY_HOURS),
    usage.ofUser(ref, user.id, WEEK_HOURS),
  ]);
  const lines = [
    text(lang, "usage_mine", {
      ...day,
      turns7: week.turns,
      generations7: week.generations,
      exports7: week.exports,
    }),
  ];
  const admin = await permissions.isAdmin(ref, user);
  if (admin && quotas.settings.adminsExempt) lines.push(text(lang, "usage_admin_exempt"));
  else {
    const limits = await quotas.userLimits({ ref, userId: user.id });
    const value = (kind: "turns" | "generations" | "exports") => {
      const limit = limits.find((entry) => entry.kind === kind);
      return limit
        ? text(lang, "usage_limit_value", { used: Math.min(limit.used, limit.max), max: limit.max })
        : text(lang, "usage_unlimited");
    };
    lines.push(
      text(lang, "usage_limits", {
        turns: value("turns"),
        generations: value("generations"),
        exports: value("exports"),
      }),
    );
  }
  if (admin) {
    const [placeDay, placeWeek] = await Promise.all([
      usage.ofPlace(ref, DAY_HOURS),
      usage.ofPlace(ref, WEEK_HOURS),
    ]);
    lines.push("", text(lang, "usage_place_header"));
    lines.push(
      periodLine(lang, "usage_period_day", placeDay),
      periodLine(lang, "usage_period_week", placeWeek),
    );
    lines.push(
      placeWeek.top.length === 0
        ? text(lang, "usage_nobody")
        : text(lang, "usage_top", {
            list: placeWeek.top
              .map((entry) =>
                text(lang, "usage_top_entry", { ...entry, user: mention(ref.platform, entry.userId) }),
              )
              .join(", "),
          }),
    );
  }
  await tell({ text: lines.join("\n") });
}

function periodLine(
  lang: Lang,
  period: "usage_period_day" | "usage_period_week",
  counts: PlaceUsage,
): string {
  const { turns, generations, exports, credits } = counts;
  return text(lang, "usage_place_period", {
    turns,
    generations,
    exports,
    credits,
    period: text(lang, period),
  });
}

/** How a member is named in the report: a mention the platform renders (it pings nobody in an ephemeral note). */
function mention(platform: string, userId: string): string {
  return platform === "console" ? userId : `<@${userId}>`;
}
