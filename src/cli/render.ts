/**
 * Text rendering for humans. Listings are aligned columns drawn by cli-table3
 * without borders: one row per line, so `grep NAME` still finds a whole row
 * and `awk '{print $1}'` the names; cli-table3 measures wide characters.
 */
import Table from 'cli-table3';

const NO_BORDERS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: ' ',
};

/** A value on one line: control characters (the newlines of a multi-line message) become spaces; null is `-`. */
export function oneLine(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  const text = Array.isArray(value) ? (value.length === 0 ? '-' : value.map(String).join(', ')) : String(value);
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim() || '-';
}

/** Rows as aligned columns under an upper-case header; every cell is put on one line. */
export function renderColumns(header: string[], rows: unknown[][]): string {
  const table = new Table({ head: header, chars: NO_BORDERS, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 1 } });
  for (const row of rows) table.push(header.map((_, index) => oneLine(row[index])));
  return table.toString().split('\n').map((line) => line.trimEnd()).join('\n');
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
