#!/usr/bin/env node
/**
 * The `disklessset` executable: runs {@link main} on the process's streams
 * and exits with its code. The only place that exits the process.
 */
import { main } from './main.js';

const abort = new AbortController();
process.on('SIGINT', () => {
  // A second Ctrl-C while the command winds down ends it at once.
  if (abort.signal.aborted) process.exit(130);
  abort.abort();
});
// Ended by kill or a closed terminal: exiting (rather than dying) runs the runner's exit hook, which
// stops the process groups of our children (ansible-inventory, cp...) that would otherwise run on.
// A command that stops gracefully on the signal (`serve`) registers its own listener: it is left to it.
for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (process.listenerCount(signal) > 1) return;
    process.exit(128 + (signal === 'SIGTERM' ? 15 : 1));
  });
}
const code = await main(process.argv.slice(2), {
  stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal: abort.signal,
});
process.exit(code);
