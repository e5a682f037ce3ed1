/**
 * Syntax errors of node set strings. The parser throws {@link NodeSetFault}
 * deep inside (it only knows the bad fragment); the public entry points turn
 * it into a {@link UsageError} that also names the whole input.
 */
import { UsageError } from '../errors/index.js';

/** Error code of every node set syntax error. */
export const NODESET_SYNTAX = 'E_NODESET_SYNTAX';

/** Internal parse failure: what is wrong and the fragment it is wrong in. */
export class NodeSetFault extends Error {
  readonly part: string | null;

  constructor(part: string | null, reason: string) {
    super(reason);
    this.part = part;
  }
}

/** Converts a parser fault about `input` into the user-facing error. */
function toUsageError(input: string, fault: NodeSetFault): UsageError {
  // The parser works on text with '%' doubled (as ClusterShell does); undo it for display.
  const part = fault.part === null || fault.part === '' ? '' : ` in "${fault.part.replace(/%%/g, '%')}"`;
  return new UsageError(NODESET_SYNTAX, `invalid node set "${input}": ${fault.message}${part}`,
    'write node sets like node[01-10,12],rack[1-2]-n[1-4] (see ClusterShell nodeset syntax)');
}

/** Runs `parse`, converting a {@link NodeSetFault} into a UsageError about `input`. */
export function withSyntaxErrors<T>(input: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof NodeSetFault) throw toUsageError(input, error);
    throw error;
  }
}
