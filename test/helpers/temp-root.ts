/**
 * Test helpers: every test works under a throw-away root prefix, so nothing
 * touches the host's real /var/www, /diskless, /var/lib/diskless or /etc.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openServices, type Services } from '../../src/core/services.js';
import { run, type RunResult } from '../../src/system/runner.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Repository root (tests run from dist/test/helpers). */
export const REPO_ROOT = resolve(here, '..', '..', '..');
/** The compiled CLI. */
export const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
/**
 * The fixtures kept in the repository (test/fixtures, read from the source
 * tree: tsc does not copy them). Read-only for tests: copy before use.
 */
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

/** A temporary root prefix. */
export interface TempRoot {
  root: string;
  /** Opens the library on this root. */
  services(): Promise<Services>;
  /** Runs the CLI on this root as a separate process. */
  cli(args: string[], options?: { input?: string; env?: Record<string, string> }): Promise<RunResult>;
  cleanup(): Promise<void>;
}

/** Makes an empty temporary root, or a copy of a fixture root (e.g. `legacy-v1-root`). */
export async function makeTempRoot(fixture?: string): Promise<TempRoot> {
  const root = await mkdtemp(join(tmpdir(), 'disklessset-test-'));
  if (fixture) await cp(join(FIXTURES, fixture), root, { recursive: true, preserveTimestamps: true });
  return {
    root,
    services: () => openServices({ root }),
    cli: (args, options = {}) => run([process.execPath, CLI, '--root', root, ...args], {
      allowFailure: true, input: options.input, timeoutMs: 600_000,
      env: { DISKLESS_ROOT: undefined, NO_COLOR: '1', ...options.env },
    }),
    cleanup: async () => {
      const { unmountTree } = await import('../../src/system/mount.js');
      await unmountTree(root);
      await rm(root, { recursive: true, force: true });
    },
  };
}
