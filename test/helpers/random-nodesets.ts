/**
 * Seeded generator of node set strings for the differential test against
 * ClusterShell: padding mixes, steps, lists, several dimensions, digits glued
 * to brackets, operators, and a share of slightly broken inputs so that both
 * implementations must also agree on what they reject.
 */
import { seededRandom } from './seeded-random.js';

export class NodeSetGenerator {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private number(width: number, max: number): string {
    const value = this.int(0, Math.min(max, 10 ** Math.max(width, 1) - 1));
    return width > 0 ? String(value).padStart(width, '0') : String(value);
  }

  private rangeItem(): string {
    const width = this.pick([0, 0, 0, 2, 3]);
    const kind = this.int(0, 9);
    if (kind < 3) return this.number(width, 40);
    const a = this.int(0, 60);
    const b = a + this.int(0, 45);
    const fmt = (v: number) => (width > 0 ? String(v).padStart(width, '0') : String(v));
    if (width > 0 && String(b).length > width) return fmt(a);
    if (kind < 8) return `${fmt(a)}-${fmt(b)}`;
    if (kind < 9) return `${fmt(a)}-${fmt(b)}/${this.int(2, 4)}`;
    return `-${this.int(1, 5)}-${this.int(0, 3)}`; // negative start, ClusterShell accepts it
  }

  private bracket(): string {
    const items: string[] = [];
    for (let n = this.int(1, 3); n > 0; n--) items.push(this.rangeItem());
    return `[${items.join(this.pick([',', ',', ', ']))}]`;
  }

  private prefix(): string {
    return this.pick(['node', 'n', 'rack', 'r', 'cn', 'gpu-', 'x', 'io', 'a', 'da', 'c', 'nodes']);
  }

  private index(): string {
    return this.chance(0.6) ? this.bracket() : this.number(this.pick([0, 0, 2, 3]), 30);
  }

  /** One operand: a plain name, a bracketed range, several dimensions, glued digits. */
  term(): string {
    const kind = this.int(0, 11);
    if (kind === 0) return this.pick(['login', 'admin', 'mgmt', 'io', 'x']);
    if (kind <= 3) return `${this.prefix()}${this.index()}${this.pick(['', '', '', '-ib', '-ipmi', 'b'])}`;
    if (kind <= 6) {
      const dims = this.chance(0.8) ? 2 : 3;
      let text = this.prefix();
      for (let d = 0; d < dims; d++) text += `${this.index()}${d < dims - 1 ? this.pick(['n', 'c', '-', 'p', 's']) : ''}`;
      return text;
    }
    if (kind === 7) return `${this.prefix()}${this.int(0, 9)}${this.bracket()}`;
    if (kind === 8) return `${this.prefix()}[${this.int(1, 3)}-${this.int(4, 9)}]${this.int(0, 9)}`;
    if (kind === 9) return `${this.prefix()}${this.number(this.pick([0, 2]), 20)}`;
    // Two dimensions spelled node by node, so several vectors must be merged.
    const names: string[] = [];
    const pre = this.prefix();
    for (let n = this.int(2, 6); n > 0; n--) names.push(`${pre}${this.int(1, 3)}n${this.int(1, 4)}`);
    return names.join(',');
  }

  /** A node set string: terms joined by operators, sometimes with a defect. */
  nodeSet(): string {
    let text = this.term();
    for (let n = this.int(0, 3); n > 0; n--) {
      const op = this.pick([',', ',', ',', '!', '&', '^']);
      text += (this.chance(0.15) ? ` ${op} ` : op) + this.term();
    }
    if (this.chance(0.12)) text = this.damage(text);
    // A leading '-' would be taken for an option by both commands.
    return text.startsWith('-') ? `z${text}` : text;
  }

  private damage(text: string): string {
    const at = this.int(0, text.length);
    if (this.chance(0.3)) return text.slice(0, at) + text.slice(at + 1);
    return text.slice(0, at) + this.pick(['[', ']', ',', '-', '/', ' ', '!', '0', '[]', '%']) + text.slice(at);
  }

  /** Arguments for one `nodeset` run: usually one node set, sometimes several. */
  args(): string[] {
    const out = [this.nodeSet()];
    while (this.chance(0.2)) out.push(this.nodeSet());
    return out;
  }
}
