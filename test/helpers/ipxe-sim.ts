/**
 * A small reader of the iPXE script subset our scripts use (set, clear,
 * isset, inc, goto and labels, `||` and `&&`, kernel, initrd, chain, echo,
 * prompt, exit, boot), with iPXE's rules: each line is expanded once before
 * it runs, `${...}` from the innermost out (an unset setting expands to
 * nothing), and a failed command not caught by `||` ends the script. Used to
 * follow a node's boot through failing servers without QEMU; the real
 * firmware is exercised by the end-to-end tests.
 */

/** What a boot did. */
export interface SimResult {
  /** `booted`: reached `boot` with a kernel; `exited`: `exit 0`; `failed`: ended otherwise (exit with a status, or an uncaught failure). */
  outcome: 'booted' | 'exited' | 'failed';
  /** Every URL fetched successfully, in order. */
  fetched: string[];
  /** Every URL tried, in order. */
  tried: string[];
  /** The kernel line's arguments after its URL (as expanded), when a kernel was loaded. */
  kernelArgs?: string;
  /** Lines echoed. */
  echoed: string[];
}

/** How the simulated network answers: the script text behind a URL, or true for a file, or false for a failure. */
export type Network = (url: string) => string | boolean;

/** Expands `${name}` and `${name:type}` innermost first, as iPXE does. */
export function expand(line: string, settings: Map<string, string>): string {
  let text = line;
  for (;;) {
    const end = text.indexOf('}');
    const start = end < 0 ? -1 : text.lastIndexOf('${', end);
    if (start < 0) return text;
    const name = text.slice(start + 2, end).replace(/:[a-z0-9]+$/, '');
    text = `${text.slice(0, start)}${settings.get(name) ?? ''}${text.slice(end + 1)}`;
  }
}

class Ended extends Error {
  constructor(readonly outcome: 'booted' | 'exited' | 'failed') { super(outcome); }
}

/** Runs `script` (and what it chains) against `network`; `settings` are the node's (next-server, mac, hostname...). */
export function simulate(script: string, network: Network, settings: Record<string, string> = {}): SimResult {
  const state = new Map(Object.entries(settings));
  const result: SimResult = { outcome: 'failed', fetched: [], tried: [], echoed: [] };
  let kernel = false;
  const fetch = (url: string): string | boolean => {
    result.tried.push(url);
    const answer = network(url);
    if (answer !== false) result.fetched.push(url);
    return answer;
  };
  const runScript = (text: string, depth: number): boolean => {
    const lines = text.split('\n').map((line) => line.trim());
    let pc = 0;
    const command = (words: string[]): boolean => {
      const [verb, ...args] = words;
      switch (verb) {
        case 'set': state.set((args[0] ?? '').replace(/:[a-z0-9]+$/, ''), args.slice(1).join(' ')); return true;
        case 'clear': state.delete(args[0] ?? ''); return true;
        case 'isset': return args.length > 0;
        case 'inc': state.set(args[0] ?? '', String(Number(state.get(args[0] ?? '') ?? '0') + 1)); return true;
        case 'goto': {
          const at = lines.indexOf(`:${args[0]}`);
          if (at < 0) throw new Error(`no label ${args[0]}`);
          pc = at;
          return true;
        }
        case 'echo': result.echoed.push(args.join(' ')); return true;
        case 'prompt': return false;
        case 'exit': throw new Ended(args[0] === undefined || args[0] === '0' ? 'exited' : 'failed');
        case 'boot': if (!kernel) return false; throw new Ended('booted');
        case 'kernel': case 'initrd': case 'chain': {
          const rest = args[0] === '--name' ? args.slice(2) : args;
          const answer = fetch(rest[0] ?? '');
          if (answer === false) return false;
          if (verb === 'kernel') {
            kernel = true;
            result.kernelArgs = rest.slice(1).join(' ');
          }
          if (verb === 'chain') {
            if (typeof answer !== 'string' || depth > 8) return false;
            return runScript(answer, depth + 1);
          }
          return true;
        }
        default: throw new Error(`command not simulated: ${verb}`);
      }
    };
    try {
      while (pc < lines.length) {
        const line = lines[pc] as string;
        pc += 1;
        if (line === '' || line.startsWith('#') || line.startsWith(':')) continue;
        const words = expand(line, state).split(/\s+/).filter((word) => word !== '');
        let status: boolean | undefined;
        let current: string[] = [];
        let op: string | undefined;
        const step = (): void => {
          if (status === undefined || (op === '||' && !status) || (op === '&&' && status)) status = command(current);
          current = [];
        };
        for (const word of words) {
          if (word === '||' || word === '&&') {
            step();
            op = word;
          } else current.push(word);
        }
        step();
        if (status === false) return false;
      }
      return true;
    } catch (error) {
      // An exit ends this script only: the chain that ran it fails or succeeds with it.
      if (error instanceof Ended && depth > 0 && error.outcome !== 'booted') return error.outcome === 'exited';
      throw error;
    }
  };
  try {
    runScript(script, 0);
  } catch (error) {
    if (!(error instanceof Ended)) throw error;
    result.outcome = error.outcome;
  }
  return result;
}
