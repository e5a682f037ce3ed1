/**
 * One boot test file at a time on a fixed port. The test runner runs two
 * files side by side, and every boot test needs port 80 (iPXE's
 * `${next-server}` URLs carry no port), so each file holds a lease on the
 * port while its server runs; the other file's builds go on meanwhile and
 * its next server waits. A lease is a folder made by mkdir (atomic) in the
 * temporary folder, holding its holder's pid: a lease whose holder died (a
 * killed run) is taken over.
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OperationError } from '../../../src/errors/index.js';

const POLL_MS = 1000;
/** A lease folder without a pid this old was left between mkdir and the pid write by a killed run. */
const ORPHAN_MS = 60_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function abandoned(dir: string): Promise<boolean> {
  const holder = Number(await readFile(join(dir, 'pid'), 'utf8').catch(() => ''));
  if (holder > 0) return !alive(holder);
  const made = await stat(dir).then((info) => info.mtimeMs, () => undefined);
  return made !== undefined && Date.now() - made > ORPHAN_MS;
}

/**
 * Waits until this process holds the lease of `port` (at most `waitMs`),
 * and returns its release.
 * @throws OperationError E_E2E_PORT_LEASE when another run holds it for longer than `waitMs`.
 */
export async function leasePort(port: number, waitMs = 2 * 3600_000): Promise<() => Promise<void>> {
  const dir = join(tmpdir(), `disklessset-e2e-port-${port}.lease`);
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await mkdir(dir);
      await writeFile(join(dir, 'pid'), String(process.pid));
      let released = false;
      // Once only: a second call must not remove a lease another run took since.
      return async () => {
        if (released) return;
        released = true;
        await rm(dir, { recursive: true, force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await abandoned(dir)) {
      await rm(dir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new OperationError('E_E2E_PORT_LEASE', `port ${port} stayed leased by another boot test run (${dir}) for ${waitMs / 60_000} min`,
        'wait for that run to end, or remove the folder if no test runs');
    }
    await sleep(POLL_MS);
  }
}
