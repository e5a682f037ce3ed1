/**
 * Checks before publishing, reported as warnings: the initramfs must hold the
 * dracut modules a livenet boot needs and match the kernel; the image must fit
 * in a node's RAM.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LIVENET_DRACUT_MODULES } from '../../system/dracut-profile.js';
import { run } from '../../system/runner.js';
import type { Paths } from '../../core/paths.js';
import { initramfsName, kernelVersion } from '../../core/kernel/kernel-manager.js';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** Warnings about the initramfs of `kernel` (empty when it looks right). */
export async function initramfsWarnings(paths: Paths, kernel: string, signal?: AbortSignal): Promise<string[]> {
  const file = join(paths.kernelsDir, initramfsName(kernel));
  const version = kernelVersion(kernel) ?? '';
  const modules = await run(['lsinitrd', '-m', file], { allowFailure: true, timeoutMs: 120_000, signal });
  if (modules.exitCode !== 0 || !/dracut modules:/i.test(modules.stdout)) {
    return [`cannot read the dracut modules of ${initramfsName(kernel)}; make sure it holds ${LIVENET_DRACUT_MODULES.join(', ')}`];
  }
  const present = new Set(modules.stdout.split('\n').map((line) => line.trim()));
  const warnings: string[] = [];
  const networkPresent = [...present].some((m) => m === 'network' || m.startsWith('network-'));
  const missing = LIVENET_DRACUT_MODULES.filter((m) => (m === 'network' ? !networkPresent : !present.has(m)));
  if (missing.length > 0) {
    warnings.push(`${initramfsName(kernel)} lacks the dracut modules ${missing.join(', ')}: nodes cannot boot a livenet image with it; `
      + `regenerate it with \`disklessset kernel initramfs ${kernel}\``);
  }
  const listing = await run(['lsinitrd', file], { allowFailure: true, timeoutMs: 120_000, signal, maxBuffer: 256 * MIB });
  const versions = new Set([...listing.stdout.matchAll(/lib\/modules\/([^/\s]+)\//g)].map((m) => m[1]));
  if (versions.size > 0 && !versions.has(version)) {
    warnings.push(`${initramfsName(kernel)} holds modules for ${[...versions].join(', ')}, not for kernel ${version}`);
  }
  return warnings;
}

/** Size figures of a built image. */
export interface ImageSizes {
  squashfsBytes: number;
  /** Bytes used by the OS tree. */
  treeBytes: number;
  /** LiveOS/rootfs.img size in MiB (liveos layout). */
  sizeMiB?: number;
}

/** RAM a node needs, roughly: the downloaded image, plus written blocks, plus the running system. */
export function estimatedRamBytes(sizes: ImageSizes): number {
  return sizes.squashfsBytes + Math.max(512 * MIB, sizes.treeBytes * 0.25) + 512 * MIB;
}

/** Warnings about sizes (a node must hold the compressed image in RAM). */
export function sizeWarnings(sizes: ImageSizes): string[] {
  const warnings: string[] = [];
  const ram = estimatedRamBytes(sizes);
  if (sizes.squashfsBytes > 2 * GIB) {
    warnings.push(`the compressed image is ${(sizes.squashfsBytes / GIB).toFixed(1)} GiB: each node downloads it at boot and keeps it `
      + `in RAM (about ${(ram / GIB).toFixed(1)} GiB needed); consider a smaller type or --optimize`);
  }
  if (sizes.sizeMiB !== undefined && sizes.treeBytes > sizes.sizeMiB * MIB * 0.9) {
    warnings.push(`the OS fills over 90% of its ${sizes.sizeMiB} MiB file system: little room is left for writes on the node`);
  }
  return warnings;
}

/** Size of a file in bytes, 0 when missing. */
export async function fileBytes(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? 0;
}
