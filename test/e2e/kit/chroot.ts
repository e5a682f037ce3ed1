/**
 * Running a program inside an OS tree with /proc, /sys and /dev mounted, and
 * removing half-built trees without ever descending into a leaked bind mount
 * (deleting through a bind of /dev would delete the host's device nodes).
 */
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { run, type RunOptions, type RunResult } from '../../../src/system/runner.js';
import { OperationError } from '../../../src/errors/index.js';
import { chrootCommand } from '../../../src/system/chroot.js';

/** Mount points below `dir` (deepest first), read from the kernel's mount table. */
export async function mountsBelow(dir: string): Promise<string[]> {
  const root = resolve(dir);
  const table = await readFile('/proc/self/mountinfo', 'utf8');
  return table.split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined)
    // mountinfo escapes spaces and the like as octal; our paths have none, but decode anyway.
    .map((point) => point.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8))))
    .filter((point) => point === root || point.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
}

/** Unmounts everything mounted below `dir`, deepest first (lazily, so busy mounts still go). */
export async function unmountBelow(dir: string): Promise<void> {
  for (const point of await mountsBelow(dir)) {
    await run(['umount', '--lazy', point], { allowFailure: true, timeoutMs: 30_000 });
  }
}

/**
 * Removes a directory tree after unmounting what is mounted below it; refuses
 * (throws) when a mount survives, rather than deleting through it.
 */
export async function removeTreeSafely(dir: string): Promise<void> {
  await unmountBelow(dir);
  const left = await mountsBelow(dir);
  if (left.length > 0) {
    throw new OperationError('E_E2E_MOUNT_LEFT', `refusing to delete ${dir}: still mounted: ${left.join(', ')}`,
      'unmount those paths by hand, then delete the directory');
  }
  await rm(dir, { recursive: true, force: true });
}

/**
 * Runs `command` chrooted into `tree` (with the product's minimal environment,
 * see src/system/chroot.ts) with the kernel file systems mounted for the
 * duration of the call, and always unmounts them afterwards. `options.env`
 * does not reach the command.
 */
export async function runInChroot(tree: string, command: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const mounts: [string[], string][] = [
    [['mount', '-t', 'proc', 'proc'], 'proc'],
    [['mount', '-t', 'sysfs', 'sysfs'], 'sys'],
    [['mount', '--rbind', '/dev'], 'dev'],
  ];
  try {
    for (const [mount, sub] of mounts) {
      const target = join(tree, sub);
      await run([...mount, target], { timeoutMs: 30_000 });
      // A recursive bind must not propagate our unmount back to the host's /dev.
      if (sub === 'dev') await run(['mount', '--make-rslave', target], { timeoutMs: 30_000 });
    }
    // The product's clean environment: the kit's build must not depend on who runs it either.
    return await run(chrootCommand(tree, command), options);
  } finally {
    await unmountBelow(tree);
  }
}
