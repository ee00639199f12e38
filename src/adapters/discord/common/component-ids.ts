/**
 * `custom_id`s of the components the messages carry that are not action buttons (those are encoded in
 * `buttons.ts`): the outbound side draws them, the inbound side reads the clicks. The thread is where
 * they are, so they carry nothing else.
 */

/** The buttons that open a modal. */
export const MODAL_BUTTON_IDS = { edit: "nemo:modal:edit", media: "nemo:modal:media" } as const;

/** The select menu that stands in for more than five buttons. */
export const CHOOSE_CUSTOM_ID = "nemo:choose";

/** Quick replies: the select menu that stands in for more than five choices (its values are button ids). */
export const QUICK_SELECT_ID = "nemo:quick";
