#!/usr/bin/env node
/**
 * The `disklessset` executable: runs {@link main} on the process's streams
 * and exits with its code. The only place that exits the process.
 */
import type { CliEnvironment } from './main.js';

// A worker of `serve --workers N` (started by serve itself through node:cluster) runs only the file server.
const workerSettings = process.env.DISKLESS_SERVE_WORKER;
if (workerSettings !== undefined && process.send) {
  process.exit(await (await import('./commands/serve/serve-worker.js')).runServeWorker(workerSettings));
}

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
const argv = process.argv.slice(2);
const environment: CliEnvironment = {
  stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal: abort.signal,
};
const full = async (env: CliEnvironment): Promise<number> => (await import('./main.js')).main(argv, env);
// `nodeset` starts without loading the rest of the CLI (see its quick-start module).
const code = argv[0] === 'nodeset'
  ? await (await import('./commands/nodeset/quick-start.js')).runNodesetQuickly(argv, environment, full)
  : await full(environment);
process.exit(code);
