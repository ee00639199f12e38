import type { Inbound } from "../core/conversation/inbound.js";
import type { Messengers } from "../core/conversation/messenger.js";

/**
 * Fills in the sender's locale and name of an event whose platform does not carry them (Slack events):
 * looked up by the worker through the platform's messenger (which caches), never in the intake.
 */
export class UserLocales {
  constructor(private readonly messengers: Messengers) {}

  async complete<T extends Pick<Inbound, "ref" | "user" | "locale">>(inbound: T): Promise<T> {
    const lookup = this.messengers[inbound.ref.platform]?.lookupUser;
    if (inbound.locale || !lookup) return inbound;
    const found = await lookup.call(this.messengers[inbound.ref.platform], inbound.ref, inbound.user.id);
    return {
      ...inbound,
      locale: found.locale,
      user: { ...inbound.user, name: inbound.user.name ?? found.name },
    };
  }
}
