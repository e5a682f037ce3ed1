/**
 * Identifies a process by pid *and* start time (and boot id), so that a pid
 * reused by an unrelated process after a crash or a reboot never makes a dead
 * build look alive.
 */
import { readFileSync } from 'node:fs';

/** Who a process is, durably. */
export interface ProcessIdentity {
  pid: number;
  /** Start time in clock ticks since boot (field 22 of /proc/PID/stat). */
  startTime?: number;
  /** Kernel boot id, so start times from another boot never match. */
  bootId?: string;
}

function readStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const value = Number(fields[19]);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function readBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Identity of a running process (the current one by default). */
export function identify(pid = process.pid): ProcessIdentity {
  return { pid, startTime: readStartTime(pid), bootId: readBootId() };
}

/**
 * Whether `pid` is a zombie: it has exited and waits for its parent to reap
 * it (state `Z` in /proc/PID/stat). A command killed by SIGKILL stays one
 * until then, and a slow parent (a container's init) may take seconds.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may itself hold ") ".
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/** Whether a process with this pid exists (whoever owns it) and has not exited (a zombie counts as gone). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/**
 * Whether the process that had `identity` is still running. Without a recorded
 * start time (entries written by the original tool) only the pid can be checked.
 */
export function isAlive(identity: ProcessIdentity): boolean {
  if (!Number.isInteger(identity.pid) || identity.pid <= 0) return false;
  if (identity.bootId !== undefined && identity.bootId !== readBootId()) return false;
  if (!pidExists(identity.pid)) return false;
  if (identity.startTime === undefined) return true;
  const current = readStartTime(identity.pid);
  // /proc may be missing (non-Linux test host): trust the pid check alone then.
  return current === undefined || current === identity.startTime;
}
