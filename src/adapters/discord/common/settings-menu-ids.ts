/**
 * Settings (issue 21): the `custom_id` of a `/settings` select menu, `nemo:set:<owner>:<n>`: bound to the
 * member it was opened for (anyone else's choice is refused); the chosen option's value is the change.
 */
const PREFIX = "nemo:set:";

/** A change as a menu option carries it (`ratio 9:16`, `place max-length 30`): words, digits, `:`, `-`. */
const CHANGE = /^[\w .:-]{1,100}$/;

export function settingsMenuId(owner: string, index: number): string {
  return `${PREFIX}${owner}:${index}`;
}

/** The member a settings menu belongs to; undefined when `customId` is not a settings menu's. */
export function settingsMenuOwner(customId: string): string | undefined {
  if (!customId.startsWith(PREFIX)) return undefined;
  const owner = customId.slice(PREFIX.length).split(":")[0];
  return owner && /^\d{1,25}$/.test(owner) ? owner : undefined;
}

/** Whether a chosen value has the shape of a change (the worker still parses and checks it). */
export function isSettingsChange(value: string | undefined): value is string {
  return value !== undefined && CHANGE.test(value);
}
