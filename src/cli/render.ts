/** Text rendering of attributes for humans: nested values as an indented tree. */

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.length === 0 ? '[]' : value.map(String).join(', ');
  return String(value);
}

/** Renders a mapping as `key: value` lines, nested mappings indented. */
export function renderTree(values: Record<string, unknown>, indent = ''): string[] {
  const lines: string[] = [];
  const keys = Object.keys(values).filter((k) => k !== 'name' && k !== 'image_class');
  keys.forEach((key, index) => {
    const branch = index === keys.length - 1 ? '└─' : '├─';
    const value = values[key];
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      lines.push(`${indent}${branch} ${key}`);
      lines.push(...renderTree(value as Record<string, unknown>, `${indent}${index === keys.length - 1 ? '   ' : '│  '}`));
    } else {
      lines.push(`${indent}${branch} ${key}: ${scalar(value)}`);
    }
  });
  return lines;
}

/** Renders rows as aligned columns. */
export function renderColumns(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
