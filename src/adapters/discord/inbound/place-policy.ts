/** Where something happened on Discord, as far as the allowlists care. */
export interface Place {
  /** Null in a direct message. */
  guildId: string | null;
  channelId: string;
  /** The parent channel when `channelId` is a thread. */
  parentId?: string | null | undefined;
}

/** The optional allowlists; an empty list allows everything of its kind. */
export interface PlaceAllowlists {
  allowedGuilds: readonly string[];
  allowedChannels: readonly string[];
}

/** Entry of `allowedGuilds` that lets direct messages through when the list is not empty. */
export const DM_ALLOWLIST_ENTRY = "dm";

/**
 * Whether the bot works in a place. A guild place must be in `allowedGuilds` (when set) and its channel
 * or, for a thread, its parent channel in `allowedChannels` (when set). Direct messages are allowed
 * unless `allowedGuilds` is set without the entry `"dm"`: restricting the bot to some servers also keeps
 * strangers from using it in private.
 */
export function isPlaceAllowed(place: Place, lists: PlaceAllowlists): boolean {
  if (place.guildId === null) {
    return lists.allowedGuilds.length === 0 || lists.allowedGuilds.includes(DM_ALLOWLIST_ENTRY);
  }
  if (lists.allowedGuilds.length > 0 && !lists.allowedGuilds.includes(place.guildId)) return false;
  if (lists.allowedChannels.length === 0) return true;
  return (
    lists.allowedChannels.includes(place.channelId) ||
    (place.parentId != null && lists.allowedChannels.includes(place.parentId))
  );
}
