// Emoji and East Asian wide characters take two terminal cells.
const WIDE =
  /[\p{Extended_Pictographic}\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
// Zero-width spaces and joiners and combining marks (variation selectors among them) take none.
const ZERO_WIDTH = /[\u200b-\u200f]|\p{Mn}/u;

/** How many terminal rows a block of text (without its final newline) covers at a given width. */
export function terminalRows(text: string, columns: number): number {
  const width = Math.max(1, columns);
  let rows = 0;
  for (const line of text.split("\n")) {
    let cells = 0;
    for (const char of line) {
      if (ZERO_WIDTH.test(char)) continue;
      cells += WIDE.test(char) ? 2 : char === "\t" ? 8 - (cells % 8) : 1;
    }
    rows += Math.max(1, Math.ceil(cells / width));
  }
  return rows;
}
