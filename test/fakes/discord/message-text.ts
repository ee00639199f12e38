/** Every `content` string in a message body, its Components V2 text displays included. */
export function textsOf(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(textsOf);
  if (!node || typeof node !== "object") return [];
  const own = (node as { content?: unknown }).content;
  return [...(typeof own === "string" ? [own] : []), ...Object.values(node).flatMap(textsOf)];
}
