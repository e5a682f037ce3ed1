/**
 * Runs the command line in this process (no child process): the entry
 * point's `main` with captured output, the same text and exit code the
 * executable gives on a pipe. For what needs a real process (a kill or a
 * crash, signals, processes racing each other, an environment the whole
 * process reads such as PATH), use `TempRoot.cliProcess`.
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
 * The variables `main` reads from its `env` parameter. Any other one (PATH
 * for a fake tool, NODE_OPTIONS) is read by the whole process, so passing it
 * here would be silently ignored: refused instead.
 */
const CLI_VARIABLES = new Set(['DISKLESS_ROOT', 'NO_COLOR']);

/**
 * Runs `disklessset --root ROOT ARGV...` (no --root when `root` is omitted).
 * `input` is stdin; `env` the environment the CLI sees (NO_COLOR=1 and no
 * DISKLESS_ROOT unless given): a parameter of `main`, process.env is never
 * changed. Throws (a test bug) for a variable only a process can see.
 */
export async function runCli(argv: readonly string[], options: { root?: string; input?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  const foreign = Object.keys(options.env ?? {}).filter((name) => !CLI_VARIABLES.has(name));
  if (foreign.length > 0) throw new Error(`runCli: ${foreign.join(', ')} is read by the process, not by main(): use TempRoot.cliProcess`);
  const stdout = capture();
  const stderr = capture();
  const stdin = Object.assign(Readable.from([Buffer.from(options.input ?? '')]), { isTTY: false });
  const exitCode = await main(options.root === undefined ? [...argv] : ['--root', options.root, ...argv], {
    stdout, stderr, stdin, env: { NO_COLOR: '1', ...options.env }, signal: new AbortController().signal,
  });
  return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
}
