// Removes the temporary roots (`disklessset-test-<pid>-XXXXXX` in the temp folder)
// that earlier test runs could not clean because they were killed.
// A root is removed only when all of these hold: its creating process is gone,
// it was not kept on purpose (.kept-for-debugging), nothing is mounted at or
// below it (deleting through a bound /dev or /proc would delete the host's
// files), and it is older than this run. Roots named without a pid (older
// helpers) are removed only when empty and over an hour old.
import { readdirSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const WITH_PID = /^disklessset-test-(\d+)-[A-Za-z0-9]{6}$/;
const WITHOUT_PID = /^disklessset-test-[A-Za-z0-9]{6}$/;

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM'; // exists, owned by someone else
  }
}

function mountPoints() {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean)
      .map((line) => (line.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_m, octal) => String.fromCharCode(parseInt(octal, 8))));
  } catch {
    return undefined; // unknown: then nothing is removed
  }
}

/**
 * Sweeps `dir` (the temp folder). `startedMs`: start of this run; `now` for the age rule.
 * Returns the paths removed and, for the roots left, why.
 */
export function sweepStaleTestRoots(dir, startedMs = Date.now(), now = Date.now()) {
  const removed = [];
  const left = [];
  const mounts = mountPoints();
  let entries;
  try { entries = readdirSync(dir); } catch { return { removed, left }; }
  for (const name of entries) {
    const withPid = WITH_PID.exec(name);
    if (!withPid && !WITHOUT_PID.test(name)) continue;
    const path = join(dir, name);
    let info;
    try { info = statSync(path); } catch { continue; }
    if (!info.isDirectory()) continue;
    const why = (() => {
      if (mounts === undefined) return 'the mount table cannot be read';
      if (mounts.some((point) => point === path || point.startsWith(`${path}/`))) return 'something is mounted in it';
      if (info.mtimeMs >= startedMs) return 'newer than this run';
      if (withPid) {
        if (alive(Number(withPid[1]))) return 'its process is still running';
        if (existsSync(join(path, '.kept-for-debugging'))) return 'kept for debugging';
      } else if (readdirSync(path).length > 0 || now - info.mtimeMs < 3600_000) {
        return 'made by an older helper, not empty or recent';
      }
      return undefined;
    })();
    if (why) { left.push({ path, why }); continue; }
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return { removed, left };
}
