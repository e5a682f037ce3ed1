/**
 * The words of an OS request: a parsed `--source`, the image type and what
 * `provisionTree` (sources.ts) installs. Kept apart from sources.ts so the package
 * sets can name them without importing the provisioning code back.
 */
import type { ProgressSink } from '../progress.js';
import type { DnfRepos } from './dnf-repos.js';

/** A parsed `--source` value. */
export type OsSource =
  | { kind: 'dnf' }
  | { kind: 'debootstrap' }
  | { kind: 'mmdebstrap' }
  | { kind: 'tar'; path: string }
  | { kind: 'dir'; path: string };

/** The original's image types: how much software goes in. */
export type OsType = 'core' | 'small' | 'standard';
export const OS_TYPES: readonly OsType[] = ['core', 'small', 'standard'];

/** What `provisionTree` (sources.ts) installs. */
export interface ProvisionRequest {
  source: OsSource;
  type: OsType;
  /** Release: `--releasever` for dnf, a suite (`bookworm`) for Debian tools; default the host's. */
  release?: string;
  /** Extra packages (check them first with `checkPackagesExist`). */
  packages?: string[];
  /** dnf only: the `--repo` repositories (undefined: the host's). */
  repos?: DnfRepos;
  /** Leave out documentation, locales and weak dependencies. */
  optimize?: boolean;
  progress?: ProgressSink;
  signal?: AbortSignal;
  /**
   * The root's scratch folder (`Paths.workDir`): files a tool needs for the
   * duration of the install (the Debian dracut overlay) are made there under
   * a temporary name carrying our pid, so the next command sweeps them if
   * this one is killed.
   */
  scratchDir: string;
}
