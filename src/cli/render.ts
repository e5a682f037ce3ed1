/**
 * Text rendering for humans. Listings are plain aligned columns, one row per
 * line, so `grep NAME` finds a whole row and `awk '{print $1}'` the names.
 * Not cli-table3: its layout is quadratic in cells (1 s for 1,000 images,
 * far worse for `boot show` of 100,000 nodes), and what goes in a column
 * (names, node sets, sizes, times) is plain ASCII whose width is its length.
 */

/** A value on one line: control characters (the newlines of a multi-line message, a terminal's escape sequences) become spaces; null is `-`. */
export function oneLine(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  const text = Array.isArray(value) ? (value.length === 0 ? '-' : value.map(String).join(', ')) : String(value);
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim() || '-';
}

/** Rows as aligned columns (two spaces apart) under an upper-case header; every cell is put on one line. */
export function renderColumns(header: string[], rows: unknown[][]): string {
  const cells = rows.map((row) => header.map((_, index) => oneLine(row[index])));
  const widths = header.map((title, index) => cells.reduce((widest, row) => Math.max(widest, (row[index] ?? '').length), title.length));
  const line = (row: string[]) => row.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  ').trimEnd();
  return [line(header), ...cells.map(line)].join('\n');
}

/** One titled group of `label: value` lines, values aligned within the group. */
export interface Section {
  title: string;
  rows: [label: string, value: unknown][];
}

/** Sections as `Title` then indented, aligned `label  value` lines; empty sections are left out. */
export function renderSections(sections: readonly Section[]): string {
  const lines: string[] = [];
  for (const section of sections) {
    if (section.rows.length === 0) continue;
    const width = Math.max(...section.rows.map(([label]) => label.length));
    lines.push(section.title);
    for (const [label, value] of section.rows) lines.push(`  ${label.padEnd(width)}  ${oneLine(value)}`);
  }
  return lines.join('\n');
}
