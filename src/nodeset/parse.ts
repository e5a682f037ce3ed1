/**
 * From node set text to a {@link PatternTable}: scan the terms, then apply
 * them left to right with their operators, as ClusterShell does
 * (`a,b!c&d` is ((a ∪ b) − c) ∩ d).
 */
import { pyStrip } from './python-compat.js';
import { escapePattern } from './pattern-text.js';
import { PatternTable, type Indexes } from './pattern-table.js';
import { RangeSetND } from './rangeset-nd.js';
import type { RangeSet } from './rangeset.js';
import { scanTerms } from './scanner.js';
import { NodeSetFault } from './syntax-error.js';

function indexesOf(rangeSets: RangeSet[]): Indexes {
  if (rangeSets.length > 1) return new RangeSetND([rangeSets]);
  return rangeSets[0] ?? null;
}

/** Parses one node set string; throws {@link NodeSetFault} on bad syntax. */
export function parseTable(text: string): PatternTable {
  const table = new PatternTable();
  for (const term of scanTerms(escapePattern(pyStrip(text)))) {
    if (term.pattern.startsWith('@')) {
      throw new NodeSetFault(term.pattern, 'node groups (@group) are not supported');
    }
    if (term.pattern.includes('*') || term.pattern.includes('?')) {
      throw new NodeSetFault(term.pattern, 'wildcards (* and ?) are not supported');
    }
    const operand = PatternTable.of(term.pattern, indexesOf(term.rangeSets));
    switch (term.operation) {
      case 'union': table.update(operand); break;
      case 'difference': table.differenceUpdate(operand); break;
      case 'intersection': table.intersectionUpdate(operand); break;
      case 'symmetricDifference': table.symmetricDifferenceUpdate(operand); break;
    }
  }
  return table;
}
