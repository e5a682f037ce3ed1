/**
 * Site settings written into an OS tree: root password hash, SSH key,
 * SELinux relabel flag and image metadata in os-release. Everything happens
 * inside the tree; symbolic links are resolved against the tree, never the host.
 */
import { chmod, chown, lstat, mkdir, readFile, readlink, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { OperationError } from '../../errors/index.js';
import { requirePasswordHash } from './password.js';

/** What {@link customizeTree} writes. */
export interface TreeCustomization {
  /** crypt(3) hash for root in /etc/shadow (checked with `requirePasswordHash`). */
  passwordHash?: string;
  /** Text of an SSH public key (one or more lines) for /root/.ssh/authorized_keys. */
  sshPublicKey?: string;
  /** Ask for a full SELinux relabel at first boot (`/.autorelabel`). */
  selinux?: boolean;
  /** Lines `KEY="value"` set in /etc/os-release (earlier lines with the same keys are replaced). */
  osRelease?: Record<string, string>;
  /** The build's time (seconds since 1970) for dates written into files (shadow's last change); default now. */
  epoch?: number;
}

/**
 * The path inside `tree` that `inside` (absolute, as the image sees it)
 * designates, following symbolic links within the tree. Exported for modules
 * that edit files of a tree.
 * @throws OperationError E_TREE_LINK when a link leads outside the tree.
 */
export async function resolveInTree(tree: string, inside: string): Promise<string> {
  const root = resolve(tree);
  let current = join(root, inside);
  for (let hops = 0; hops < 40; hops += 1) {
    const info = await lstat(current).catch(() => undefined);
    if (!info?.isSymbolicLink()) break;
    const target = await readlink(current);
    current = target.startsWith('/') ? join(root, target) : resolve(dirname(current), target);
  }
  if (relative(root, current).startsWith('..')) {
    throw new OperationError('E_TREE_LINK', `${inside} points outside the OS tree ${tree}`, 'fix the link inside the tree');
  }
  return current;
}

/** Writes a file by rename, keeping mode and owner of the file it replaces. */
async function replaceFile(path: string, content: string, defaultMode: number): Promise<void> {
  const previous = await stat(path).catch(() => undefined);
  const temporary = `${path}.disklessset-${process.pid}`;
  await writeFile(temporary, content, { mode: defaultMode });
  await chmod(temporary, previous ? previous.mode & 0o7777 : defaultMode);
  if (previous) await chown(temporary, previous.uid, previous.gid);
  await rename(temporary, path);
}

/** Sets root's hash in the shadow text (adds a root line when there is none). */
export function withRootHash(shadow: string, hash: string, nowMs = Date.now()): string {
  const lines = shadow.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const days = String(Math.floor(nowMs / 86_400_000));
  let found = false;
  const updated = lines.map((line) => {
    if (!line.startsWith('root:')) return line;
    found = true;
    const fields = line.split(':');
    while (fields.length < 9) fields.push('');
    fields[1] = hash;
    fields[2] = days;
    return fields.join(':');
  });
  if (!found) updated.unshift(`root:${hash}:${days}:0:99999:7:::`);
  return `${updated.join('\n')}\n`;
}

/** Quotes a value as os-release (a shell-like format) expects. */
function quoteOsRelease(value: string): string {
  return `"${value.replace(/[\r\n]/g, ' ').replace(/(["\\$`])/g, '\\$1')}"`;
}

/** The os-release text with `fields` set (replacing earlier lines of the same keys). */
export function withOsReleaseFields(text: string, fields: Record<string, string>): string {
  const keys = new Set(Object.keys(fields));
  const kept = text.split('\n').filter((line) => line !== '' && !keys.has(line.split('=')[0] ?? ''));
  return `${[...kept, ...Object.entries(fields).map(([key, value]) => `${key}=${quoteOsRelease(value)}`)].join('\n')}\n`;
}

/** os-release metadata of an image: ours, plus the original tool's keys for compatibility. */
export function imageOsRelease(name: string, kernel: string, date = new Date().toISOString().slice(0, 10)): Record<string, string> {
  return {
    DISKLESS_IMAGE_NAME: name,
    DISKLESS_IMAGE_KERNEL: kernel,
    DISKLESS_IMAGE_DATE: date,
    BLUEBANQUISE_IMAGE_NAME: name,
    BLUEBANQUISE_IMAGE_KERNEL: kernel,
    BLUEBANQUISE_IMAGE_DATE: date,
  };
}

/**
 * Applies the customization to the OS tree at `tree`.
 * @throws UsageError E_PASSWORD for a password hash that is not one (checked
 * again here whatever the caller did); OperationError E_TREE_LINK when a file
 * to edit is a link leading outside the tree.
 */
export async function customizeTree(tree: string, custom: TreeCustomization): Promise<void> {
  if (custom.passwordHash !== undefined) {
    // Whatever the caller checked: never an empty field or an extra shadow line.
    requirePasswordHash(custom.passwordHash);
    const shadow = await resolveInTree(tree, '/etc/shadow');
    await mkdir(dirname(shadow), { recursive: true });
    const text = await readFile(shadow, 'utf8').catch(() => '');
    await replaceFile(shadow, withRootHash(text, custom.passwordHash, custom.epoch === undefined ? undefined : custom.epoch * 1000), 0o640);
  }
  if (custom.sshPublicKey !== undefined) {
    const sshDir = await resolveInTree(tree, '/root/.ssh');
    await mkdir(sshDir, { recursive: true, mode: 0o700 });
    await chmod(sshDir, 0o700);
    const keys = custom.sshPublicKey.trim();
    const file = join(sshDir, 'authorized_keys');
    await writeFile(file, `${keys}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
  }
  if (custom.selinux) await writeFile(join(tree, '.autorelabel'), '');
  if (custom.osRelease) {
    const osRelease = await resolveInTree(tree, '/etc/os-release');
    await mkdir(dirname(osRelease), { recursive: true });
    const text = await readFile(osRelease, 'utf8').catch(() => '');
    await replaceFile(osRelease, withOsReleaseFields(text, custom.osRelease), 0o644);
  }
}
