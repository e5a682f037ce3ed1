/**
 * The one way this project runs external programs: an argument array, never a
 * shell. Every run has a timeout and can be aborted; stderr is captured (and
 * stdout unless streamed) and a failure becomes a typed {@link CommandError}.
 *
 * Each child runs in its own process group, so stopping it stops what it
 * started too. A SIGKILLed parent cannot stop its children, so code that must
 * be able to stop them later (a build) runs under {@link trackChildren}: every
 * child's pid (= its process group) is handed to a recorder that journals it.
 */
import { spawn } from 'node:child_process';
import { AsyncLocalStorage } from 'node:async_hooks';
import { constants } from 'node:os';
import { DisklessError } from '../errors/index.js';
import { diesWithParent, isExecFailure } from './parent-death.js';

/** Told the pid (= process group id) of each child started under {@link trackChildren}. */
export type ChildRecorder = (pid: number) => Promise<void>;

const recorders = new AsyncLocalStorage<ChildRecorder>();

/**
 * Runs `action`; every command it runs (at any depth) is reported to
 * `recorder` once started, and to the recorders of enclosing calls too.
 * Throws what `action` or a recorder throws.
 */
export function trackChildren<T>(recorder: ChildRecorder, action: () => Promise<T>): Promise<T> {
  const outer = recorders.getStore();
  const both: ChildRecorder = outer ? async (pid) => { await Promise.all([outer(pid), recorder(pid)]); } : recorder;
  return recorders.run(both, action);
}

/** Process groups of children still running, stopped if this process exits (e.g. a second Ctrl-C). */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch { /* the group is gone */ }
}

function watchGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const group of liveGroups) signalGroup(group, 'SIGKILL');
  });
}

/** Options of {@link run}. */
export interface RunOptions {
  /** Working directory of the child. */
  cwd?: string;
  /** Extra environment variables (merged over the current environment). */
  env?: Record<string, string | undefined>;
  /** Kill the child after this many milliseconds (default: no limit). */
  timeoutMs?: number;
  /** Abort signal: the child is killed when it fires. */
  signal?: AbortSignal;
  /** Data written to the child's stdin, then stdin is closed. Use for secrets. */
  input?: string | Buffer;
  /** Called with each chunk of stdout instead of capturing it. */
  onStdout?: (chunk: Buffer) => void;
  /** Called with each chunk of stderr (stderr is captured as well). */
  onStderr?: (chunk: Buffer) => void;
  /** Let the child use the terminal (interactive shells). Nothing is captured. */
  inheritStdio?: boolean;
  /** Do not throw on a non-zero exit; the caller reads `exitCode`. */
  allowFailure?: boolean;
  /** Captured output beyond this many bytes is dropped (default 16 MiB). */
  maxBuffer?: number;
}

/** Result of a finished command. */
export interface RunResult {
  command: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Signal that killed the command (only with `allowFailure`). */
  signal?: string;
}

/** Why a command failed. */
export type CommandFailure = 'not-found' | 'exit-code' | 'signal' | 'timeout' | 'aborted';

/**
 * A command failed: `<reason>: <command>` plus the tail of its stderr.
 * Codes: E_COMMAND_NOT_FOUND, E_COMMAND_FAILED, E_COMMAND_TIMEOUT, E_COMMAND_ABORTED.
 */
export class CommandError extends DisklessError {
  readonly command: string[];
  readonly failure: CommandFailure;
  readonly exitCode?: number;
  readonly stderr: string;

  constructor(command: string[], failure: CommandFailure, stderr: string, exitCode?: number, signalName?: string) {
    const reason = {
      'not-found': 'command not found',
      'exit-code': `command failed with exit code ${exitCode}`,
      signal: `command killed by ${signalName}`,
      timeout: 'command timed out',
      aborted: 'command aborted',
    }[failure];
    const tail = stderr.trim().split('\n').slice(-3).join(' | ');
    const message = `${reason}: ${formatCommand(command)}${tail ? ` (${tail})` : ''}`;
    const code = failure === 'not-found' ? 'E_COMMAND_NOT_FOUND'
      : failure === 'timeout' ? 'E_COMMAND_TIMEOUT'
        : failure === 'aborted' ? 'E_COMMAND_ABORTED' : 'E_COMMAND_FAILED';
    super(code, failure === 'not-found' ? 'unavailable' : 'failed', message,
      failure === 'not-found' ? `install the package that provides ${command[0]}` : undefined);
    this.command = command;
    this.failure = failure;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** Renders an argument array for messages (quoted where needed; never executed). */
function formatCommand(command: readonly string[]): string {
  return command.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * Runs `command[0]` with arguments `command.slice(1)` (never through a
 * shell), in its own process group; resolves when it exits, with its exit
 * code and captured output (UTF-8, at most `maxBuffer` bytes each).
 * @throws UnavailableError-kind CommandError E_COMMAND_NOT_FOUND when the program is not installed.
 * @throws OperationError-kind CommandError E_COMMAND_FAILED (non-zero exit or killed by a signal, unless
 *   `allowFailure`), E_COMMAND_TIMEOUT (after `timeoutMs`), E_COMMAND_ABORTED (`signal` fired); the message
 *   ends with the last lines of its stderr.
 * @throws TypeError for an empty command (a programming error).
 */
export function run(command: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = command;
  if (!file) throw new TypeError('run: empty command');
  const argv = [...command];
  const maxBuffer = options.maxBuffer ?? 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new CommandError(argv, 'aborted', ''));
      return;
    }
    // An interactive child keeps the terminal's process group (job control needs it).
    const ownGroup = !options.inheritStdio;
    // A journaled (build) child must not outlive a SIGKILLed parent that had no time to journal it.
    const tracked = ownGroup && recorders.getStore() !== undefined;
    const spawned = tracked ? diesWithParent(file, args) : { file, args };
    const child = spawn(spawned.file, spawned.args, {
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      stdio: options.inheritStdio ? 'inherit' : ['pipe', 'pipe', 'pipe'],
      shell: false,
      detached: ownGroup,
    });
    const pid = child.pid;
    if (ownGroup && pid !== undefined) watchGroup(pid);
    // The journal write is awaited before the result is handed back, so a finished run is always recorded.
    const recorded = pid !== undefined ? recorders.getStore()?.(pid).catch(() => undefined) : undefined;
    const stop = (signal: NodeJS.Signals) => {
      if (ownGroup && pid !== undefined) signalGroup(pid, signal);
      else child.kill(signal);
    };
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutSize = 0;
    let stderrSize = 0;
    let ending: CommandFailure | undefined;
    let closed = false;

    const kill = (why: CommandFailure) => {
      ending = why;
      stop('SIGTERM');
      // A child that ignores SIGTERM is killed for good shortly after; never once it is gone:
      // pids wrap (pid_max may be 32768), and a late signal would hit whoever got the number.
      setTimeout(() => { if (!closed) stop('SIGKILL'); }, 5000).unref();
    };
    const timer = options.timeoutMs ? setTimeout(() => kill('timeout'), options.timeoutMs) : undefined;
    const onAbort = () => kill('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout?.on('data', (chunk: Buffer) => {
      if (options.onStdout) options.onStdout(chunk);
      else if (stdoutSize < maxBuffer) { stdout.push(chunk); stdoutSize += chunk.length; }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      options.onStderr?.(chunk);
      if (stderrSize < maxBuffer) { stderr.push(chunk); stderrSize += chunk.length; }
    });
    if (child.stdin) {
      child.stdin.on('error', () => { /* the child may exit without reading its input */ });
      if (options.input !== undefined) child.stdin.end(options.input);
      else child.stdin.end();
    }

    const finish = () => {
      closed = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish();
      if (pid !== undefined) liveGroups.delete(pid);
      reject(error.code === 'ENOENT' ? new CommandError(argv, 'not-found', '') : error);
    });
    child.on('close', async (code, signalName) => {
      finish();
      if (pid !== undefined) liveGroups.delete(pid);
      await recorded;
      const result: RunResult = {
        command: argv,
        exitCode: code ?? -1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      };
      if (ending) reject(new CommandError(argv, ending, result.stderr));
      else if (tracked && spawned.file !== file && isExecFailure(code, result.stderr)) reject(new CommandError(argv, 'not-found', ''));
      else if (signalName && !options.allowFailure) reject(new CommandError(argv, 'signal', result.stderr, undefined, signalName));
      else if (signalName) resolve({ ...result, exitCode: 128 + (constants.signals[signalName] ?? 0), signal: signalName });
      else if (code !== 0 && !options.allowFailure) reject(new CommandError(argv, 'exit-code', result.stderr, code ?? -1));
      else resolve(result);
    });
  });
}

/** Absolute path of `name` on PATH, or undefined (never throws). Used to check system tools before a build. */
export async function which(name: string): Promise<string | undefined> {
  const { access, constants } = await import('node:fs/promises');
  const { delimiter, join } = await import('node:path');
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch { /* try the next folder */ }
  }
  return undefined;
}
