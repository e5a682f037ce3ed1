/**
 * Container-image sources: the image is inspected (its manifest digest is
 * what the image records), copied by skopeo into a private OCI layout, then
 * unpacked by umoci, which applies the layers in order with their whiteouts,
 * owners, modes and extended attributes. The resulting tree is moved to the
 * build's target; the build then goes on as for a `dir:` source.
 *
 * Everything lives in one folder of the root's scratch space named like an
 * atomic-write temporary (`.oci-pull.tmp-<pid>-<hex>`): the start-of-command
 * sweep removes it when this process was killed, and skopeo's own temporary
 * files (it unpacks archives into /var/tmp unless given `--tmpdir`) are kept inside it.
 */
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UnavailableError } from '../../errors/index.js';
import { run, which, type RunOptions } from '../../system/runner.js';
import { temporarySibling } from '../state/atomic-file.js';
import { pinnedDockerName, formatOciSource } from './oci-reference.js';
import { pullFailure } from './oci-errors.js';
import type { OciSource, ProvisionRequest, PullSettings } from './os-request.js';

/** Tag of the image inside the private layout (any fixed name: the layout holds one image). */
const LAYOUT_TAG = 'source';
const DIGEST = /^sha256:[a-f0-9]{64}$/;

async function requireTool(tool: string): Promise<void> {
  if (!(await which(tool))) {
    throw new UnavailableError('E_TOOL_MISSING', `${tool} is not installed on this host`, `install the ${tool} package (container-image sources need skopeo and umoci)`);
  }
}

/** skopeo flags reaching the source: TLS and credentials matter for registries only. */
function sourceFlags(source: OciSource, pull: PullSettings | undefined, prefix: '' | 'src-'): string[] {
  if (source.transport !== 'docker') return [];
  return [...(pull?.tlsVerify === false ? [`--${prefix}tls-verify=false`] : []), ...(pull?.registryAuth ? ['--authfile', pull.registryAuth] : [])];
}

/**
 * skopeo's own temporary folder. skopeo (1.9) unpacks an archive into
 * /var/tmp whatever TMPDIR says; only its global `--tmpdir` keeps that inside
 * our swept scratch folder, so a killed build leaves nothing on the host.
 * Given after the command word (skopeo takes global options there too) so
 * that failures still read `skopeo inspect` / `skopeo copy`.
 */
function tmpdirFlag(scratch: string | undefined): string[] {
  return scratch === undefined ? [] : ['--tmpdir', scratch];
}

/**
 * The manifest digest of the source (`sha256:<hex>`). For a registry it is
 * the digest the registry serves for the tag (a manifest list's own digest
 * for a multi-architecture image). `scratch`: skopeo's folder for temporary files.
 * @throws NotFoundError E_OCI_NOT_FOUND, UnavailableError E_OCI_UNREACHABLE, UsageError E_OCI_ARCHIVE, CommandError.
 */
export async function inspectOciDigest(source: OciSource, pull: PullSettings | undefined, options: Pick<RunOptions, 'signal' | 'env'>,
  scratch?: string): Promise<string> {
  const command = ['skopeo', 'inspect', ...tmpdirFlag(scratch), ...sourceFlags(source, pull, ''), '--format', '{{.Digest}}', formatOciSource(source)];
  const result = await run(command, { ...options, timeoutMs: 600_000 }).catch((error: unknown) => {
    throw pullFailure(error, source, 'inspect', pull?.registryAuth !== undefined);
  });
  const digest = result.stdout.trim();
  if (!DIGEST.test(digest)) {
    throw pullFailure(new Error(`skopeo inspect gave no sha256 digest (${JSON.stringify(digest.slice(0, 80))})`), source, 'inspect');
  }
  return digest;
}

/** Moves the unpacked tree to `target` (an empty folder): a rename on one file system, else a copy keeping everything. */
async function moveTree(rootfs: string, target: string, options: RunOptions): Promise<void> {
  if ((await readdir(target)).length > 0) throw new Error(`${target} is not empty`);
  try {
    await rename(rootfs, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await run(['cp', '-a', '--sparse=always', `${rootfs}/.`, target], options);
  }
}

/**
 * Fills `target` (an existing, empty folder) with the tree of the image
 * `source` and returns the image's manifest digest.
 * @throws UnavailableError E_TOOL_MISSING (skopeo or umoci), E_OCI_UNREACHABLE;
 * NotFoundError E_OCI_NOT_FOUND; UsageError E_OCI_ARCHIVE (unreadable archive
 * or layout); CommandError for other failures, timeouts and aborts.
 */
export async function pullOciTree(target: string, source: OciSource, request: ProvisionRequest, options: RunOptions): Promise<string> {
  await requireTool('skopeo');
  await requireTool('umoci');
  await mkdir(request.scratchDir, { recursive: true });
  const scratch = temporarySibling(join(request.scratchDir, 'oci-pull'));
  await mkdir(scratch, { mode: 0o700 });
  const env = { TMPDIR: scratch };
  const layout = join(scratch, 'layout');
  const bundle = join(scratch, 'bundle');
  try {
    const digest = await inspectOciDigest(source, request.pull, { signal: options.signal, env }, scratch);
    request.signal?.throwIfAborted();
    // A registry tag can move between the two calls: the copy names the digest just inspected.
    const from = source.transport === 'docker' ? pinnedDockerName(source, digest) : formatOciSource(source);
    await run(['skopeo', 'copy', ...tmpdirFlag(scratch), ...sourceFlags(source, request.pull, 'src-'), from, `oci:${layout}:${LAYOUT_TAG}`], { ...options, env })
      .catch((error: unknown) => { throw pullFailure(error, source, 'copy', request.pull?.registryAuth !== undefined); });
    request.signal?.throwIfAborted();
    await run(['umoci', 'unpack', '--image', `${layout}:${LAYOUT_TAG}`, bundle], { ...options, env })
      .catch((error: unknown) => { throw pullFailure(error, source, 'unpack'); });
    await moveTree(join(bundle, 'rootfs'), target, options);
    return digest;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
