import type { CommandHandler } from "./answers.js";
import { askVariationsCommand } from "./ask-variations.js";
import { chooseVariationCommand } from "./choose-variation.js";
import { runVariationCommand } from "./run-variation.js";
import { startVariationsCommand } from "./start-variations.js";
import type { VariationParts } from "./variation-parts.js";

/** The handlers of the variations intents, for the command table. */
export function variationCommands(parts: VariationParts) {
  const start: CommandHandler = startVariationsCommand(parts);
  return {
    variations: askVariationsCommand(parts),
    variations_confirm: start,
    variations_cancel: start,
    variation_run: runVariationCommand(parts),
    choose_variation: chooseVariationCommand(parts),
  };
}
