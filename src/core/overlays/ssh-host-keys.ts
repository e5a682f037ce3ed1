/**
 * SSH host keys of nodes, made once per node by `ssh-keygen` and kept in
 * `<stateDir>/overlay-keys/<node>/` (folders 0700, files 0600), so a node
 * shows the same key after every boot and users' known_hosts stay valid.
 * A node's keys are made in a private temporary folder, then moved into
 * place under the node's lock: a kill leaves either no key or a whole one,
 * and the next generation removes the leftover folder.
 *
 * Keys go with their node: every full overlay build removes the keys of
 * nodes no longer in the inventory ({@link pruneHostKeys}), and
 * {@link HostKeyStore.rotate} replaces a node's keys by new ones.
 */
import { lstatSync } from 'node:fs';
import { chmod, link, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Paths } from '../paths.js';
import { withLock } from '../state/lock.js';
import { run } from '../../system/runner.js';
import { isNodeName } from '../../nodeset/index.js';
import type { OverlayEntry } from './rendered.js';
import { readKeyFile, requireRealKeysDir } from './host-key-files.js';

/** The key types made for every node (RSA left out: slow to make for 10,000 nodes, and every current client takes these). */
export const HOST_KEY_TYPES = ['ed25519', 'ecdsa'] as const;
export type HostKeyType = (typeof HOST_KEY_TYPES)[number];

/** One host key pair of a node. */
export interface HostKey {
  type: HostKeyType;
  /** Private key file in the state folder (0600). Never print or serve its content. */
  privateFile: string;
  /** Public key file in the state folder. */
  publicFile: string;
  privateKey: Buffer;
  /** The public key line (`ssh-ed25519 AAAA... root@node`). */
  publicKey: string;
}

const fileName = (type: HostKeyType): string => `ssh_host_${type}_key`;

/** Scratch and leftover folders are `.tmp-<node>-<6 characters>` (mkdtemp's suffix, or `oldkey`/`remove`). */
const SCRATCH = /^\.tmp-(.+)-([A-Za-z0-9]{6})$/;
/** Suffixes of folders on their way out (old keys of a rotation, keys of a removed node): never in use once named so. */
const DISCARDED = new Set(['oldkey', 'remove']);

function lockOf(paths: Paths, node: string): string {
  return join(paths.locksDir, `overlay-keys-${node}`);
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Makes and reads nodes' SSH host keys. */
export class HostKeyStore {
  constructor(private readonly paths: Paths) {}

  /**
   * What the key files of `node` (a valid node name) are now, without reading
   * them: inode, size, modification and change times of each ('-' when
   * missing). Part of the node's rendering inputs, so that an unchanged node
   * with keys is not rendered again (render-session.ts); a rotation gives new files.
   */
  fingerprint(node: string): string {
    const dir = this.paths.nodeHostKeysDir(node);
    return HOST_KEY_TYPES.flatMap((type) => [fileName(type), `${fileName(type)}.pub`]).map((name) => {
      // '!': the node's folder is a file (ENOTDIR) or unreadable, which the render reports for this node alone.
      const stats = (() => { try { return lstatSync(join(dir, name), { throwIfNoEntry: false }) ?? '-'; } catch { return '!'; } })();
      return typeof stats === 'string' ? stats : `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
    }).join(' ');
  }

  /**
   * The keys of `node`, made first if it has none (unless `generate` is false:
   * then undefined when any is missing).
   * @throws UsageError E_NODE_NAME; CommandError when ssh-keygen is missing or fails;
   *   OperationError E_HOST_KEYS_LINK when the keys folder or the node's is a symbolic link
   *   or not a folder, E_HOST_KEY_FILE when a key file is not a regular file of sane size.
   */
  async keys(node: string, options: { generate?: boolean } = {}): Promise<HostKey[] | undefined> {
    const dir = this.paths.nodeHostKeysDir(node);
    const existing = await this.read(dir);
    if (existing || options.generate === false) return existing;
    await this.ensureKeysDir();
    return withLock(lockOf(this.paths, node), async () => {
      const now = await this.read(dir);
      if (now) return now;
      await this.generate(node, dir);
      return this.read(dir) as Promise<HostKey[]>;
    });
  }

  /**
   * Replaces every key of `node` by a new one, under the node's lock: the new
   * keys are made in a scratch folder, the old folder is renamed away and the
   * new one renamed into place. A kill leaves the old keys, the new ones, or
   * (between the two renames) none, and the next render then makes new ones.
   * @throws UsageError E_NODE_NAME; CommandError when ssh-keygen fails (the old keys stay);
   *   OperationError E_HOST_KEYS_LINK when the keys folder or the node's is a symbolic link or not a folder.
   */
  async rotate(node: string): Promise<HostKey[]> {
    const dir = this.paths.nodeHostKeysDir(node);
    await this.ensureKeysDir();
    return withLock(lockOf(this.paths, node), async () => {
      // Refused like a render would: the keys behind a link are the user's to move back first.
      await requireRealKeysDir(dir);
      const scratch = await mkdtemp(join(this.paths.overlayKeysDir, `.tmp-${node}-`));
      const old = join(this.paths.overlayKeysDir, `.tmp-${node}-oldkey`);
      try {
        await chmod(scratch, 0o700);
        const fresh = join(scratch, 'keys');
        await mkdir(fresh, { mode: 0o700 });
        for (const type of HOST_KEY_TYPES) await makeKey(node, type, join(fresh, fileName(type)));
        await rm(old, { recursive: true, force: true });
        await rename(dir, old).catch((error: unknown) => { if (!isMissing(error)) throw error; });
        await rename(fresh, dir);
      } finally {
        await rm(scratch, { recursive: true, force: true });
        await rm(old, { recursive: true, force: true });
      }
      return this.read(dir) as Promise<HostKey[]>;
    });
  }

  private async ensureKeysDir(): Promise<void> {
    await mkdir(this.paths.locksDir, { recursive: true });
    await mkdir(this.paths.overlayKeysDir, { recursive: true, mode: 0o700 });
    // mkdir accepts a link to a folder: checked before the chmod, which would follow it.
    await requireRealKeysDir(this.paths.overlayKeysDir, 'the nodes\' keys');
    await chmod(this.paths.overlayKeysDir, 0o700);
  }

  private async read(dir: string): Promise<HostKey[] | undefined> {
    // The keys folder first: a link at it would lead to another node's folder of the same name.
    if (!await requireRealKeysDir(this.paths.overlayKeysDir, 'the nodes\' keys') || !await requireRealKeysDir(dir)) return undefined;
    const keys: HostKey[] = [];
    for (const type of HOST_KEY_TYPES) {
      const privateFile = join(dir, fileName(type));
      const publicFile = `${privateFile}.pub`;
      try {
        keys.push({ type, privateFile, publicFile, privateKey: await readKeyFile(privateFile), publicKey: (await readKeyFile(publicFile)).toString('utf8').trim() });
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    }
    return keys;
  }

  private async hasPair(privateFile: string): Promise<boolean> {
    try {
      await readKeyFile(`${privateFile}.pub`);
      await readKeyFile(privateFile);
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /** Under the node's lock: makes the missing keys in a private folder, then links them into place. */
  private async generate(node: string, dir: string): Promise<void> {
    const prefix = `.tmp-${node}-`;
    for (const name of await readdir(this.paths.overlayKeysDir)) {
      // Exactly this node's leftovers: `.tmp-c1-` must not match those of node c1-2.
      if (SCRATCH.exec(name)?.[1] === node) await rm(join(this.paths.overlayKeysDir, name), { recursive: true, force: true });
    }
    const scratch = await mkdtemp(join(this.paths.overlayKeysDir, prefix));
    try {
      await chmod(scratch, 0o700);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      for (const type of HOST_KEY_TYPES) {
        const target = join(dir, fileName(type));
        const made = join(scratch, fileName(type));
        // A pair already whole is kept: known_hosts entries for it stay valid.
        if (await this.hasPair(target)) continue;
        await makeKey(node, type, made);
        // The public half first: a private key present means the pair is whole (see read()).
        await rm(`${target}.pub`, { force: true });
        await link(`${made}.pub`, `${target}.pub`);
        await rm(target, { force: true });
        await link(made, target);
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
}

/** Makes one key pair at `file` (and `file.pub`), both 0600. */
async function makeKey(node: string, type: HostKeyType, file: string): Promise<void> {
  // -N '' is an empty passphrase given as an argument (no shell): host keys are read unattended by sshd.
  await run(['ssh-keygen', '-q', '-t', type, ...(type === 'ecdsa' ? ['-b', '256'] : []), '-N', '', '-C', `root@${node}`, '-f', file]);
  await chmod(file, 0o600);
  await chmod(`${file}.pub`, 0o600);
}

/**
 * Removes the keys of every node not in `keep` (the inventory's nodes), and
 * leftovers of killed generations of such nodes. A node's folder is first
 * renamed to a leftover name, then deleted: a kill leaves a whole folder or a
 * leftover that the next call removes, never a half pair under the node's name.
 * A node's folder that is a symbolic link is removed as a link (rename and rm do not follow it).
 * @throws OperationError E_HOST_KEYS_LINK when the keys folder is a symbolic link or not a
 *   folder: nothing is removed through it.
 */
export async function pruneHostKeys(paths: Paths, keep: ReadonlySet<string>): Promise<void> {
  if (!await requireRealKeysDir(paths.overlayKeysDir, 'the nodes\' keys')) return;
  const names = await readdir(paths.overlayKeysDir);
  for (const name of names) {
    const leftover = SCRATCH.exec(name);
    if (leftover) {
      // A scratch folder of a kept node may be a generation in progress; anything else is left over.
      if (!keep.has(leftover[1] as string) || DISCARDED.has(leftover[2] as string)) await rm(join(paths.overlayKeysDir, name), { recursive: true, force: true });
      continue;
    }
    if (!isNodeName(name) || keep.has(name)) continue;
    await withLock(lockOf(paths, name), async () => {
      const gone = join(paths.overlayKeysDir, `.tmp-${name}-remove`);
      await rename(paths.nodeHostKeysDir(name), gone).catch((error: unknown) => { if (!isMissing(error)) throw error; });
      await rm(gone, { recursive: true, force: true });
    });
  }
}

/**
 * The fingerprint line of a host key as `ssh-keygen -l` prints it
 * (`256 SHA256:... root@node (ED25519)`), the form users compare when ssh
 * asks them to accept a host.
 * @throws CommandError when ssh-keygen is missing or fails.
 */
export async function fingerprintOf(key: HostKey): Promise<string> {
  return (await run(['ssh-keygen', '-l', '-f', key.publicFile])).stdout.trim();
}

/** The known_hosts line of `key` for `node` (`node,ip keytype base64`: the comment left out). */
export function knownHostsLine(key: HostKey, node: string, ip?: string): string {
  const [type = '', base64 = ''] = key.publicKey.split(/\s+/);
  return `${ip ? `${node},${ip}` : node} ${type} ${base64}`;
}

/** The entries the `ssh-host-keys` overlay gives a node: `/etc/ssh` keys, private ones secret. */
export function hostKeyEntries(keys: readonly HostKey[]): OverlayEntry[] {
  return keys.flatMap((key) => [
    { path: `/etc/ssh/${fileName(key.type)}`, kind: 'file' as const, mode: 0o600, uid: 0, gid: 0, data: key.privateKey, secret: true },
    { path: `/etc/ssh/${fileName(key.type)}.pub`, kind: 'file' as const, mode: 0o644, uid: 0, gid: 0, data: Buffer.from(`${key.publicKey}\n`), secret: false },
  ]);
}
