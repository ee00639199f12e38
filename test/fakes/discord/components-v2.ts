/**
 * Discord's documented rules for message components (Components V2 and classic action rows), as the
 * fake enforces them: https://discord.com/developers/docs/components/reference. A violation is
 * answered as Discord does: 400 `{ code: 50035, message: "Invalid Form Body", errors }`.
 */

export const IS_COMPONENTS_V2 = 1 << 15;

const TYPE = {
  actionRow: 1,
  button: 2,
  stringSelect: 3,
  textInput: 4,
  section: 9,
  textDisplay: 10,
  thumbnail: 11,
  mediaGallery: 12,
  file: 13,
  separator: 14,
  container: 17,
} as const;

const V2_TOP_LEVEL = new Set<number>([
  TYPE.actionRow,
  TYPE.section,
  TYPE.textDisplay,
  TYPE.mediaGallery,
  TYPE.file,
  TYPE.separator,
  TYPE.container,
]);
const IN_CONTAINER = new Set<number>([
  TYPE.actionRow,
  TYPE.section,
  TYPE.textDisplay,
  TYPE.mediaGallery,
  TYPE.file,
  TYPE.separator,
]);

/** Total components in a message, nested ones included. */
export const COMPONENTS_MAX = 40;
/** All text displays of a message together. */
export const TEXT_DISPLAY_TOTAL_MAX = 4000;
const LEGACY_ROWS_MAX = 5;

type Component = Record<string, unknown> & { type?: unknown; components?: unknown; id?: unknown };

/** The problems of a message body (create or edit), empty when Discord would take it. */
export function componentProblems(
  body: Record<string, unknown>,
  options: { v2: boolean; attachmentNames: readonly string[] },
): string[] {
  const problems: string[] = [];
  const components = (body.components ?? []) as Component[];
  if (!Array.isArray(components)) return ["components: must be an array"];
  if (options.v2) {
    if (typeof body.content === "string" && body.content.length > 0)
      problems.push("content: cannot be used with IS_COMPONENTS_V2");
    if (Array.isArray(body.embeds) && body.embeds.length > 0)
      problems.push("embeds: cannot be used with IS_COMPONENTS_V2");
    if (body.stickers || body.sticker_ids) problems.push("stickers: cannot be used with IS_COMPONENTS_V2");
    if (components.length === 0) problems.push("components: a V2 message needs at least one component");
  } else if (components.length > LEGACY_ROWS_MAX) {
    problems.push(`components: at most ${LEGACY_ROWS_MAX} action rows`);
  }
  let count = 0;
  let text = 0;
  const ids = new Set<number>();
  const visit = (component: Component, path: string, allowed: ReadonlySet<number>) => {
    count++;
    const type = component.type as number;
    if (!allowed.has(type)) {
      problems.push(`${path}.type: component type ${String(type)} is not allowed here`);
      return;
    }
    if (component.id !== undefined) {
      if (!Number.isInteger(component.id) || (component.id as number) < 0)
        problems.push(`${path}.id: invalid`);
      else if (ids.has(component.id as number))
        problems.push(`${path}.id: duplicate id ${String(component.id)}`);
      else ids.add(component.id as number);
    }
    const children = (component.components ?? []) as Component[];
    switch (type) {
      case TYPE.container:
        if (children.length === 0) problems.push(`${path}.components: a container needs at least one`);
        for (const [i, child] of children.entries()) visit(child, `${path}.components[${i}]`, IN_CONTAINER);
        break;
      case TYPE.actionRow: {
        const buttons = children.filter((child) => child.type === TYPE.button).length;
        const selects = children.filter((child) => child.type === TYPE.stringSelect).length;
        if (children.length === 0) problems.push(`${path}.components: an action row needs at least one`);
        if (buttons > 5) problems.push(`${path}.components: at most 5 buttons in a row`);
        if (selects > 0 && children.length !== 1)
          problems.push(`${path}.components: a select menu must be alone in its row`);
        for (const [i, child] of children.entries())
          visit(child, `${path}.components[${i}]`, new Set([TYPE.button, TYPE.stringSelect]));
        break;
      }
      case TYPE.button: {
        const label = component.label as string | undefined;
        if (label !== undefined && (typeof label !== "string" || label.length > 80))
          problems.push(`${path}.label: at most 80 characters`);
        if (!label && !component.emoji) problems.push(`${path}: a button needs a label or an emoji`);
        const customId = component.custom_id as string | undefined;
        if (
          component.style !== 5 &&
          (typeof customId !== "string" || customId.length < 1 || customId.length > 100)
        )
          problems.push(`${path}.custom_id: 1 to 100 characters`);
        break;
      }
      case TYPE.stringSelect: {
        const selectOptions = (component.options ?? []) as { label?: string; value?: string }[];
        if (selectOptions.length < 1 || selectOptions.length > 25)
          problems.push(`${path}.options: 1 to 25 options`);
        for (const [i, option] of selectOptions.entries()) {
          if (!option.label || option.label.length > 100)
            problems.push(`${path}.options[${i}].label: 1 to 100`);
          if (!option.value || option.value.length > 100)
            problems.push(`${path}.options[${i}].value: 1 to 100`);
        }
        break;
      }
      case TYPE.textDisplay: {
        const content = component.content;
        if (typeof content !== "string" || content.length === 0)
          problems.push(`${path}.content: a text display needs content`);
        else text += content.length;
        break;
      }
      case TYPE.mediaGallery: {
        const items = (component.items ?? []) as { media?: { url?: string } }[];
        if (items.length < 1 || items.length > 10) problems.push(`${path}.items: 1 to 10 items`);
        for (const [i, item] of items.entries()) {
          const url = item.media?.url ?? "";
          const attachment = /^attachment:\/\/(.+)$/.exec(url)?.[1];
          if (attachment !== undefined && !options.attachmentNames.includes(attachment))
            problems.push(`${path}.items[${i}].media.url: unknown attachment ${attachment}`);
          else if (attachment === undefined && !/^https?:\/\//.test(url))
            problems.push(`${path}.items[${i}].media.url: must be http(s) or attachment://`);
        }
        break;
      }
      case TYPE.separator:
        if (component.spacing !== undefined && component.spacing !== 1 && component.spacing !== 2)
          problems.push(`${path}.spacing: 1 or 2`);
        break;
      default:
        break;
    }
  };
  for (const [i, component] of components.entries())
    visit(component, `components[${i}]`, options.v2 ? V2_TOP_LEVEL : new Set([TYPE.actionRow]));
  if (count > COMPONENTS_MAX) problems.push(`components: at most ${COMPONENTS_MAX} in total (got ${count})`);
  if (text > TEXT_DISPLAY_TOTAL_MAX)
    problems.push(
      `components: text displays hold at most ${TEXT_DISPLAY_TOTAL_MAX} characters (got ${text})`,
    );
  return problems;
}

/** The text a message shows: its content, or (V2) its text displays in order, one per line. */
export function shownText(content: string, components: unknown[]): string {
  const texts: string[] = [];
  const visit = (component: Component) => {
    if (component.type === TYPE.textDisplay && typeof component.content === "string")
      texts.push(component.content);
    for (const child of (component.components ?? []) as Component[]) visit(child);
  };
  for (const component of components as Component[]) visit(component);
  return [content, ...texts].filter(Boolean).join("\n");
}

/** Every button and select menu of a message, wherever it sits. */
export function interactiveComponents(
  components: unknown[],
): { type: number; custom_id?: string; label?: string; options?: { value: string }[] }[] {
  const found: { type: number; custom_id?: string; label?: string }[] = [];
  const visit = (component: Component) => {
    if (component.type === TYPE.button || component.type === TYPE.stringSelect)
      found.push(component as unknown as { type: number });
    for (const child of (component.components ?? []) as Component[]) visit(child);
  };
  for (const component of components as Component[]) visit(component);
  return found;
}

/** The media gallery URLs of a message. */
export function galleryUrls(components: unknown[]): string[] {
  const urls: string[] = [];
  const visit = (component: Component) => {
    if (component.type === TYPE.mediaGallery)
      for (const item of (component.items ?? []) as { media: { url: string } }[]) urls.push(item.media.url);
    for (const child of (component.components ?? []) as Component[]) visit(child);
  };
  for (const component of components as Component[]) visit(component);
  return urls;
}
