/**
 * Runs the command line in this process (no child process): the entry
 * point's `main` with captured output. For what needs a real process (exit
 * by signal, the executable itself), use `TempRoot.cli`.
 */
import { Readable } from 'node:stream';
import { main, type OutputStream } from '../../src/cli/main.js';

/** What one command line gave. */
export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function capture(): OutputStream & { text: () => string } {
  let text = '';
  return {
    isTTY: false,
    write(chunk: string, callback?: () => void) {
      text += chunk;
      callback?.();
      return true;
    },
    text: () => text,
  };
}

/**
 * Runs `disklessset --root ROOT ARGV...` (no --root when `root` is omitted).
 * `input` is stdin; `env` the environment the CLI sees (NO_COLOR=1 and no
 * DISKLESS_ROOT unless given).
 */
export async function runCli(argv: readonly string[], options: { root?: string; input?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  const stdout = capture();
  const stderr = capture();
  const stdin = Object.assign(Readable.from([Buffer.from(options.input ?? '')]), { isTTY: false });
  const exitCode = await main(options.root === undefined ? [...argv] : ['--root', options.root, ...argv], {
    stdout, stderr, stdin, env: { NO_COLOR: '1', ...options.env }, signal: new AbortController().signal,
  });
  return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
}
