/**
 * `disklessset serve` as a real child process for the CLI tests (signals,
 * worker and aria2c children are only real in a process of its own): started
 * on a temporary root, awaited until it prints a given text, stopped by a
 * signal. The e2e kit's cli-server.ts is the port-80 variant for boots.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { CLI } from './temp-root.js';

/** A running `serve` process. */
export interface ServeProcess {
  pid: number;
  /** What it wrote so far on stdout and stderr. */
  stdout(): string;
  stderr(): string;
  /** Sends `signal` (default SIGINT) and resolves with the exit code once the process has ended (null: ended by the signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `disklessset --root ROOT serve ARGS...` and resolves once its stdout
 * holds `ready`, or once it has exited (the caller's assertions on the
 * output then say why).
 */
export async function startServeProcess(root: string, args: readonly string[], ready: string): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, '--root', root, 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DISKLESS_ROOT: undefined, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  await Promise.race([exited, new Promise<void>((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes(ready)) resolve();
    });
  })]);
  return {
    pid: child.pid as number,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: async (signal = 'SIGINT') => {
      child.kill(signal);
      return (await exited)[0];
    },
  };
}
