#!/usr/bin/env node
/**
 * The `disklessset` executable: runs {@link main} on the process's streams
 * and exits with its code. The only place that exits the process.
 */
import { main } from './main.js';

const abort = new AbortController();
// The signal's name is the abort reason: main() answers "interrupted" and the exit code the shell expects (130, 143).
// SIGHUP (a closed terminal) likewise. Aborting stops our children (the runner ends their process groups).
for (const [name, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  process.on(name, () => {
    // A second signal while the command winds down (its cleanup) ends it at once.
    if (abort.signal.aborted) process.exit(code);
    abort.abort(name);
  });
}
const code = await main(process.argv.slice(2), {
  stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal: abort.signal,
});
process.exit(code);
