/**
 * The livenet build pipeline: OS tree → customization → LiveOS/rootfs.img
 * (or the tree itself, flat layout) → squashfs.img written beside the
 * published one → checks → rename into place.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageContext } from '../../core/image/context.js';
import { StepReporter, silentProgress, type ProgressSink } from '../../core/progress.js';
import { customizeTree, imageOsRelease } from '../../core/os/customize.js';
import { formatSource, provisionTree } from '../../core/os/sources.js';
import { initramfsWarnings, fileBytes, sizeWarnings } from './checks.js';
import { makeRootfs, treeUsage } from './rootfs.js';
import { makeSquashfs, pendingSquashfs } from './squashfs.js';
import { clampTreeTimes, imageUuid } from './reproducible.js';
import type { Compression, Layout, LivenetOptions } from './options.js';
import { workLayout } from './work-layout.js';
import { writeManifest } from './manifest.js';
import { temporarySibling } from '../../core/state/atomic-file.js';

/** How a build reports and records what it does. */
export interface BuildHooks {
  progress?: ProgressSink;
  signal?: AbortSignal;
  /** Called with each path before it is created (the creation journal). */
  trackPath?: (path: string) => Promise<unknown>;
}

/** Outcome of a build. */
export interface BuildOutcome {
  warnings: string[];
  squashfsBytes: number;
  treeBytes: number;
  /** Manifest digest of a container-image source (`sha256:<hex>`). */
  sourceDigest?: string;
  /** The new root image, a temporary file in the image folder, for `publishVersion` (publication.ts). */
  pending: string;
  /** Its content manifest (manifest.ts), a temporary file beside it; none when the tree was not at hand (an edit of a loop-mounted rootfs, a resize). */
  manifest?: string;
}

/**
 * Squashes a finished tree (and its rootfs.img for liveos) into a temporary
 * file of the image folder (`pending`, swept after a kill), which the caller
 * publishes as a version; the caller removes the work folder.
 */
export async function squashRoot(context: ImageContext, name: string, settings: {
  tree: string; layout: Layout; sizeMiB: number; compression: Compression; kernel: string; rootfsReady?: boolean;
  /** Seconds since 1970 written as every time newer than it (reproducible.ts); none: the clock's times. */
  epoch?: number;
}, hooks: BuildHooks, steps: StepReporter): Promise<BuildOutcome> {
  const { stage, rootfs } = workLayout(context, name);
  const imageDir = context.paths.imageDir(name);
  const usage = await treeUsage(settings.tree, hooks.signal);
  if (settings.layout === 'liveos') {
    steps.step(`make LiveOS/rootfs.img (ext4, ${settings.sizeMiB} MiB)`);
    if (!settings.rootfsReady) {
      await hooks.trackPath?.(stage);
      await mkdir(join(stage, 'LiveOS'), { recursive: true });
      if (settings.epoch !== undefined) await clampTreeTimes(settings.tree, settings.epoch, hooks.signal);
      await makeRootfs(settings.tree, rootfs, settings.sizeMiB, hooks.signal, context.paths.workDir,
        settings.epoch === undefined ? undefined : { epoch: settings.epoch, uuid: imageUuid(name), scratch: workLayout(context, name).work });
    }
  }
  const squashStep = `make squashfs.img (${settings.compression})`;
  steps.step(squashStep);
  const pending = pendingSquashfs(imageDir);
  await hooks.trackPath?.(pending);
  await makeSquashfs(settings.layout === 'liveos' ? stage : settings.tree, pending, settings.compression, hooks.signal,
    hooks.progress, squashStep, settings.epoch);
  steps.step('check initramfs and sizes');
  const squashfsBytes = await fileBytes(pending);
  // A ready rootfs.img means `tree` is not the tree it holds (resize, loop edit): no manifest then.
  let manifest: string | undefined;
  if (!settings.rootfsReady) {
    manifest = temporarySibling(join(imageDir, 'manifest.tsv'));
    await hooks.trackPath?.(manifest);
    await writeManifest(settings.tree, manifest, hooks.signal);
  }
  const warnings = [
    ...await initramfsWarnings(context.paths, settings.kernel, hooks.signal),
    ...sizeWarnings({ squashfsBytes, treeBytes: usage.bytes, sizeMiB: settings.layout === 'liveos' ? settings.sizeMiB : undefined }),
  ];
  for (const warning of warnings) steps.warn(warning);
  steps.step('publish squashfs.img as a new version');
  steps.size('OS tree', usage.bytes);
  steps.size('squashfs.img', squashfsBytes);
  return { warnings, squashfsBytes, treeBytes: usage.bytes, pending, manifest };
}

/** Runs the whole pipeline for `options` and publishes the result in the image folder. */
export async function buildLivenet(context: ImageContext, name: string, options: LivenetOptions, hooks: BuildHooks & { epoch?: number }): Promise<BuildOutcome> {
  const layout = workLayout(context, name);
  const steps = new StepReporter(hooks.progress ?? silentProgress, options.layout === 'liveos' ? 6 : 5);
  await hooks.trackPath?.(layout.work);
  await rm(layout.work, { recursive: true, force: true });
  await mkdir(layout.work, { recursive: true });
  steps.step(`install the OS tree (${formatSource(options.source)}, ${options.type})`);
  const provisioned = await provisionTree(layout.tree, {
    source: options.source, type: options.type, release: options.release, packages: options.packages, repos: options.repos,
    optimize: options.optimize, progress: hooks.progress, signal: hooks.signal, scratchDir: context.paths.workDir,
    pull: { registryAuth: options.registryAuth, tlsVerify: options.tlsVerify !== false },
  });
  hooks.signal?.throwIfAborted();
  steps.step('set password, SSH key, SELinux and os-release');
  await customizeTree(layout.tree, {
    passwordHash: options.passwordHash,
    sshPublicKey: options.sshKey,
    selinux: options.selinux,
    // Dates written into files come from the build's epoch, so that a rebuild of the same tree gives the same bytes.
    osRelease: imageOsRelease(name, options.kernel, hooks.epoch === undefined ? undefined : new Date(hooks.epoch * 1000).toISOString().slice(0, 10)),
    epoch: hooks.epoch,
  });
  const outcome = await squashRoot(context, name, {
    tree: layout.tree, layout: options.layout, sizeMiB: options.sizeMiB, compression: options.compression, kernel: options.kernel,
    epoch: hooks.epoch,
  }, hooks, steps);
  await rm(layout.work, { recursive: true, force: true });
  return { ...outcome, sourceDigest: provisioned.sourceDigest };
}
