/**
 * `disklessset nodeset ...` run without loading the rest of the CLI.
 *
 * `nodeset` is a text filter (ClusterShell's `nodeset`), called by scripts
 * in loops: loading every command, commander and the services, and opening
 * the root, took most of its time. It neither reads nor writes the root, so
 * a plain line (`nodeset` first, only nodeset's own options, no global
 * option, no `--`, no DISKLESS_ROOT) is answered here, with exactly what the
 * full CLI prints (a bad node set: its one error line, exit code 2). Any
 * other line, and an unexpected error, goes to the full CLI (the work is
 * pure, so redoing it is safe).
 */
import { Readable } from 'node:stream';
import { UsageError } from '../../../errors/index.js';
import { runNodesetCommand } from '../../../nodeset/cli.js';
import type { CliEnvironment } from '../../main.js';
import { nodesetReadsStdin } from './nodeset.js';

/** Words of a plain line besides node sets (which never start with `-`). */
const OWN_WORDS = new Set(['-f', '--fold', '-e', '--expand', '-c', '--count',
  '-i', '--intersection', '-x', '--exclude', '-X', '--xor', '-']);

function isPlainLine(argv: readonly string[], env: CliEnvironment): boolean {
  if (argv[0] !== 'nodeset' || env.env.DISKLESS_ROOT !== undefined) return false;
  for (let k = 1; k < argv.length; k++) {
    const word = argv[k] as string;
    if (word.startsWith('-') && !OWN_WORDS.has(word)) return false;
  }
  return true;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer | string));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Runs a plain `nodeset` line (`argv` without the program name) and returns
 * its exit code; any other line, or a failing one, is handed to `full` (the
 * whole CLI), with the standard input already read given back as a stream.
 */
export async function runNodesetQuickly(argv: readonly string[], env: CliEnvironment,
  full: (env: CliEnvironment) => Promise<number>): Promise<number> {
  if (!isPlainLine(argv, env)) return full(env);
  const rest = argv.slice(1);
  const interactive = Boolean(env.stdin.isTTY && env.stdout.isTTY);
  const stdin = nodesetReadsStdin(rest) && !interactive ? await readAll(env.stdin) : undefined;
  let output: string;
  try {
    output = runNodesetCommand(rest, stdin);
  } catch (error) {
    // A bad node set or option: the one line the full CLI prints for it, exit code 2.
    if (error instanceof UsageError) {
      await new Promise<void>((done) => { env.stderr.write(`disklessset: ${error.oneLine}\n`, () => done()); });
      return 2;
    }
    return full(stdin === undefined ? env : { ...env, stdin: Readable.from([stdin]) });
  }
  // As the full CLI prints a command's text: nothing when empty, else one write ending in a newline.
  const text = output.replace(/\n$/, '');
  if (text === '') return 0;
  await new Promise<void>((done) => { env.stdout.write(text.endsWith('\n') ? text : `${text}\n`, () => done()); });
  return 0;
}
