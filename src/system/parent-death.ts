/**
 * Children that die with their parent. A build journals each child's process
 * group so the next command can stop what a SIGKILLed build left running, but
 * a kill between the spawn and the journal write leaves a child nobody knows
 * of (seen under load: a `cp -a` still copying into a tree being cleaned).
 * Linux's parent-death signal closes that window: util-linux `setpriv
 * --pdeathsig` sets it and then executes the command itself, so the command
 * gets SIGKILL the moment our process dies, journaled or not.
 */
import { existsSync } from 'node:fs';

const SETPRIV = '/usr/bin/setpriv';
let available: boolean | undefined;

/** `file` and `args` to spawn so the command is killed when this process dies (unchanged without setpriv). */
export function diesWithParent(file: string, args: readonly string[]): { file: string; args: string[] } {
  available ??= existsSync(SETPRIV);
  if (!available) return { file, args: [...args] };
  return { file: SETPRIV, args: ['--pdeathsig', 'KILL', '--', file, ...args] };
}

/**
 * Whether a run through {@link diesWithParent} failed because the command
 * itself could not be executed: setpriv then exits 127 and says so on stderr,
 * where a direct spawn would have failed with ENOENT.
 */
export function isExecFailure(exitCode: number | null, stderr: string): boolean {
  return exitCode === 127 && /^setpriv: failed to execute .*: No such file or directory$/m.test(stderr);
}
