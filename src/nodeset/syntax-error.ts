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

/** A range whose end is below its start (`5-1`): the one wording, whichever parser (strict or ClusterShell's) met it. */
export class BackwardsRangeFault extends NodeSetFault {}

/** The error for a backwards `range` in `input`, the same from `nodeset -e` as from `boot set` or `node add`. */
export function backwardsRangeError(input: string, range: string): UsageError {
  const shown = JSON.stringify(input.length > 80 ? `${input.slice(0, 77)}...` : input);
  return new UsageError(NODESET_SYNTAX, `invalid node set ${shown}: range "${range}" goes backwards`,
    'write the lower bound first (e.g. n[1-5]); ranges are a-b or a-b/step with a <= b');
}

/** Converts a parser fault about `input` into the user-facing error. */
function toUsageError(input: string, fault: NodeSetFault): UsageError {
  if (fault instanceof BackwardsRangeFault) return backwardsRangeError(input, (fault.part ?? '').replace(/%%/g, '%'));
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
