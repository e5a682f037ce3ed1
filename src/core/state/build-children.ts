/**
 * Stopping the commands a killed build started. A SIGKILLed build cannot stop
 * its own `cp`, `mkfs.ext4` or `mksquashfs`: they keep writing into the files
 * that cleaning is about to delete. Each ran in its own process group, whose
 * id the build journaled; cleaning stops those groups first and refuses to go
 * on while one survives.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { OperationError } from '../../errors/index.js';
import { isAlive, pidExists } from './process-identity.js';

/** A journaled child: pid (= process group id) and start time. */
export interface JournaledChild {
  pid: number;
  start_time?: number;
}

const GRACE_MS = 5_000;
const POLL_MS = 50;

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `child`'s process group is still ours to stop: its leader is the
 * very process journaled (same start time), or the leader is gone but members
 * remain (a group id is never reused while the group has members).
 */
function stillRunning(child: JournaledChild, bootId: string | undefined): boolean {
  if (!Number.isInteger(child.pid) || child.pid <= 1) return false;
  if (isAlive({ pid: child.pid, startTime: child.start_time, bootId })) return groupExists(child.pid);
  return !pidExists(child.pid) && groupExists(child.pid);
}

async function waitGone(groups: number[], ms: number): Promise<number[]> {
  let left = groups;
  for (let waited = 0; left.length > 0 && waited < ms; waited += POLL_MS) {
    await sleep(POLL_MS);
    left = left.filter(groupExists);
  }
  return left;
}

function signalAll(groups: number[], signal: NodeJS.Signals): void {
  for (const group of groups) {
    try {
      process.kill(-group, signal);
    } catch { /* gone meanwhile */ }
  }
}

/**
 * Stops every still-running group of `children` (SIGTERM, then SIGKILL after
 * a grace period). `bootId` is the build's: children of another boot are long
 * gone. Throws E_BUILD_CHILDREN_RUNNING if one survives, so nothing of the
 * build is deleted under a running command. Returns the pids stopped.
 */
export async function stopBuildChildren(children: readonly JournaledChild[], bootId?: string): Promise<number[]> {
  const running = [...new Set(children.filter((c) => stillRunning(c, bootId)).map((c) => c.pid))];
  if (running.length === 0) return [];
  signalAll(running, 'SIGTERM');
  let left = await waitGone(running, GRACE_MS);
  if (left.length > 0) {
    signalAll(left, 'SIGKILL');
    left = await waitGone(left, GRACE_MS);
  }
  if (left.length > 0) {
    throw new OperationError('E_BUILD_CHILDREN_RUNNING', `commands of the killed build still run (process groups ${left.join(', ')})`,
      'stop them (kill -KILL -- -PGID), then clean again');
  }
  return running;
}
