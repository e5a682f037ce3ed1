/**
 * Test helpers: every test works under a throw-away root prefix, so nothing
 * touches the host's real /var/www, /diskless, /var/lib/diskless or /etc.
 */
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openServices, type Services } from '../../src/services/services.js';
import { run, type RunResult } from '../../src/system/runner.js';
import type { CliRun } from './run-cli.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Repository root (tests run from dist/test/helpers). */
export const REPO_ROOT = resolve(here, '..', '..', '..');
/**
 * The CLI as users run it: the bundle the package's `bin` points at
 * (dist/bundle/, made by `npm run build`), so tests that start a real process
 * test what ships. In-process tests import dist/src instead.
 */
export const CLI = join(REPO_ROOT, 'dist', 'bundle', 'disklessset.js');
/** The compiled, unbundled entry (dist/src/cli/bin.js), to check the bundle answers the same. */
export const UNBUNDLED_CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'bin.js');
/**
 * The fixtures kept in the repository (test/fixtures, read from the source
 * tree: tsc does not copy them). Read-only for tests: copy before use.
 */
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

/**
 * Most a failed run may leave behind for debugging (bytes; default 200 MiB,
 * `DISKLESS_TEST_KEEP_MAX_MIB` changes it, 0 keeps nothing): an end-to-end
 * root holds images of several GB, which must not pile up in /tmp.
 */
export function keepLimitBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mib = Number(env.DISKLESS_TEST_KEEP_MAX_MIB ?? 200);
  return (Number.isFinite(mib) && mib >= 0 ? mib : 200) * 1024 * 1024;
}

/** File in a root kept by {@link TempRoot.keepForDebugging}: the stale-root sweep of run-tests.mjs spares it. */
export const KEPT_MARKER = '.kept-for-debugging';

/** A temporary root prefix. */
export interface TempRoot {
  root: string;
  /** Opens the library on this root. */
  services(): Promise<Services>;
  /**
   * Runs the CLI on this root in this process (see run-cli.ts): `env` may
   * only hold what `main` reads (DISKLESS_ROOT, NO_COLOR).
   */
  cli(args: string[], options?: { input?: string; env?: Record<string, string> }): Promise<CliRun>;
  /**
   * Runs the CLI on this root as a separate process: for tests of the
   * executable itself, kills, signals, processes racing each other, or a
   * process-wide environment (PATH with a fake tool, NODE_OPTIONS).
   */
  cliProcess(args: string[], options?: { input?: string; env?: Record<string, string> }): Promise<RunResult>;
  /** Unmounts what is mounted below the root, then deletes it. */
  cleanup(): Promise<void>;
  /**
   * After a failure: unmounts everything below the root, then keeps it if it
   * uses at most `maxBytes` (default {@link keepLimitBytes}); otherwise
   * deletes it except its top-level entries named in `alwaysKeep` (small
   * logs). Returns one line saying what was kept where, to print.
   */
  keepForDebugging(options?: { maxBytes?: number; alwaysKeep?: readonly string[] }): Promise<string>;
}

/** Roots made and neither cleaned nor kept yet (see the beforeExit net below). */
const liveRoots = new Set<string>();
let netInstalled = false;

/**
 * Last net for a test that forgot its cleanup or threw before its `try`:
 * when the test file is done (the event loop is empty), the roots still
 * listed are removed, so runs do not leave /tmp/disklessset-test-* behind.
 */
function installCleanupNet(): void {
  if (netInstalled) return;
  netInstalled = true;
  let swept = false;
  process.on('beforeExit', () => {
    if (swept || liveRoots.size === 0) return;
    swept = true;
    void (async () => {
      for (const root of [...liveRoots]) {
        await removeRoot(root);
        process.stderr.write(`temp-root: removed ${root}, which a test left behind\n`);
      }
    })();
  });
}

async function removeRoot(root: string, alwaysKeep: readonly string[] = []): Promise<void> {
  const { unmountTree } = await import('../../src/system/mount.js');
  // Never delete through a mount (a bound /dev or /proc would take the host's files with it).
  await unmountTree(root);
  liveRoots.delete(root);
  if (alwaysKeep.length === 0) {
    await rm(root, { recursive: true, force: true });
    return;
  }
  for (const entry of await readdir(root)) {
    if (!alwaysKeep.includes(entry)) await rm(join(root, entry), { recursive: true, force: true });
  }
}

/** Disk space used below `dir`, in bytes (du, on this file system only). */
async function diskUse(dir: string): Promise<number> {
  const result = await run(['du', '-s', '-x', '-B1', dir], { timeoutMs: 600_000 });
  return Number(result.stdout.split(/\s/)[0]);
}

/**
 * After a failed run: unmounts everything below `root`, then keeps it when it
 * uses at most `maxBytes` (default {@link keepLimitBytes}; marked with
 * {@link KEPT_MARKER}), else deletes it but for its top-level entries named
 * in `alwaysKeep`. Returns one line saying what was kept where.
 */
export async function keepForDebugging(root: string, options: { maxBytes?: number; alwaysKeep?: readonly string[] } = {}): Promise<string> {
  const { unmountTree } = await import('../../src/system/mount.js');
  await unmountTree(root);
  const limit = options.maxBytes ?? keepLimitBytes();
  const used = await diskUse(root);
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
  if (used <= limit) {
    liveRoots.delete(root);
    // Tells the sweep of scripts/run-tests.mjs to leave it for the person debugging.
    await writeFile(join(root, KEPT_MARKER), `kept after a failed run (${mib(used)})\n`);
    return `root prefix kept at ${root} (${mib(used)})`;
  }
  await removeRoot(root, options.alwaysKeep);
  if (options.alwaysKeep?.length) await writeFile(join(root, KEPT_MARKER), `logs kept after a failed run (the rest used ${mib(used)})\n`);
  const kept = options.alwaysKeep?.length ? `; kept ${options.alwaysKeep.map((entry) => join(root, entry)).join(', ')}` : '';
  return `root prefix ${root} deleted: it used ${mib(used)}, over the ${mib(limit)} a failed run may keep `
    + `(DISKLESS_TEST_KEEP_MAX_MIB)${kept}`;
}

/** Makes an empty temporary root, or a copy of a fixture root (e.g. `legacy-v1-root`). */
export async function makeTempRoot(fixture?: string): Promise<TempRoot> {
  installCleanupNet();
  // The pid in the name lets scripts/run-tests.mjs tell roots of killed runs from roots in use.
  const root = await mkdtemp(join(tmpdir(), `disklessset-test-${process.pid}-`));
  liveRoots.add(root);
  try {
    if (fixture) await cp(join(FIXTURES, fixture), root, { recursive: true, preserveTimestamps: true });
  } catch (error) {
    await removeRoot(root);
    throw error;
  }
  return {
    root,
    services: () => openServices({ root }),
    cli: async (args, options = {}) => {
      // Loaded on first use: most tests of the library never start the CLI.
      const { runCli } = await import('./run-cli.js');
      return runCli(args, { root, ...options });
    },
    cliProcess: (args, options = {}) => run([process.execPath, CLI, '--root', root, ...args], {
      allowFailure: true, input: options.input, timeoutMs: 600_000,
      env: { DISKLESS_ROOT: undefined, NO_COLOR: '1', ...options.env },
    }),
    cleanup: () => removeRoot(root),
    keepForDebugging: (options = {}) => keepForDebugging(root, options),
  };
}
