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
  | { kind: 'dir'; path: string }
  | OciSource;

/** How skopeo reaches an OCI image: a registry, an OCI or Docker archive file, or an OCI layout folder. */
export type OciTransport = 'docker' | 'oci-archive' | 'docker-archive' | 'oci';

/**
 * A container image as source (see oci-reference.ts, the one parser):
 * `reference` is what follows the transport prefix, checked
 * (`REGISTRY/REPO:TAG` or `REGISTRY/REPO@sha256:HEX` for `docker`, an
 * absolute path for the archives, `DIR` or `DIR:TAG` for `oci`).
 */
export interface OciSource {
  kind: 'oci';
  transport: OciTransport;
  reference: string;
  /** The file or folder an archive or layout source reads (absolute), for the host checks. */
  path?: string;
}

/** How to reach a registry: the containers auth.json to use, and whether TLS is verified. */
export interface PullSettings {
  /** Path of an auth.json (checked by `requireRegistryAuthFile`), given to skopeo as `--authfile`. */
  registryAuth?: string;
  /** false: plain HTTP or unverified HTTPS (a lab registry). */
  tlsVerify: boolean;
}

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
  /** How an `oci` source's registry is reached (default: TLS verified, skopeo's own auth lookup). */
  pull?: PullSettings;
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
