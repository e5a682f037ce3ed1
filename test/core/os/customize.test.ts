import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, stat, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { customizeTree, imageOsRelease } from '../../../src/core/os/customize.js';
import { sha512Crypt, verifySha512Crypt } from '../../../src/core/os/password.js';
import { formatSource, parseSource } from '../../../src/core/os/sources.js';
import { makeBusyboxTree } from '../../helpers/livenet-fixtures.js';

test('customizeTree sets root hash, SSH key, relabel flag and os-release inside the tree', async () => {
  const tree = await makeBusyboxTree();
  try {
    const hash = sha512Crypt('rootpw');
    await customizeTree(tree, {
      passwordHash: hash, sshPublicKey: 'ssh-ed25519 AAAAC3Nza test@host\n', selinux: true,
      osRelease: imageOsRelease('img', 'vmlinuz-6.1', '2024-01-02'),
    });
    const shadow = await readFile(join(tree, 'etc', 'shadow'), 'utf8');
    const rootLine = shadow.split('\n').find((l) => l.startsWith('root:')) ?? '';
    assert.ok(verifySha512Crypt('rootpw', rootLine.split(':')[1] ?? ''));
    assert.match(shadow, /^nobody:\*:/m, 'other accounts are kept');
    assert.equal((await stat(join(tree, 'etc', 'shadow'))).mode & 0o777, 0o640);
    assert.equal((await stat(join(tree, 'root', '.ssh'))).mode & 0o777, 0o700);
    assert.equal((await stat(join(tree, 'root', '.ssh', 'authorized_keys'))).mode & 0o777, 0o600);
    assert.equal(await readFile(join(tree, 'root', '.ssh', 'authorized_keys'), 'utf8'), 'ssh-ed25519 AAAAC3Nza test@host\n');
    await stat(join(tree, '.autorelabel'));
    // /etc/os-release is a link into the tree: the target inside the tree is edited, the link stays.
    assert.ok((await lstat(join(tree, 'etc', 'os-release'))).isSymbolicLink());
    const osRelease = await readFile(join(tree, 'usr', 'lib', 'os-release'), 'utf8');
    assert.match(osRelease, /^NAME="Busybox Test"$/m);
    assert.match(osRelease, /^DISKLESS_IMAGE_NAME="img"$/m);
    assert.match(osRelease, /^BLUEBANQUISE_IMAGE_KERNEL="vmlinuz-6.1"$/m);
    assert.match(osRelease, /^BLUEBANQUISE_IMAGE_DATE="2024-01-02"$/m);
    // Applying again replaces the lines instead of piling them up.
    await customizeTree(tree, { osRelease: imageOsRelease('img2', 'vmlinuz-6.1', '2024-01-03') });
    const again = await readFile(join(tree, 'usr', 'lib', 'os-release'), 'utf8');
    assert.equal(again.match(/DISKLESS_IMAGE_NAME=/g)?.length, 1);
    assert.match(again, /^DISKLESS_IMAGE_NAME="img2"$/m);
  } finally {
    await rm(tree, { recursive: true, force: true });
  }
});

test('parseSource accepts the five sources and refuses anything else', () => {
  for (const spec of ['dnf', 'debootstrap', 'mmdebstrap', 'tar:/srv/rootfs.tar.gz', 'dir:/srv/tree']) {
    assert.equal(formatSource(parseSource(spec)), spec);
  }
  assert.deepEqual(parseSource('dir:/srv/tree/'), { kind: 'dir', path: '/srv/tree' });
  for (const bad of ['apt', 'tar:', 'dir:relative/path', 'yum', '']) assert.throws(() => parseSource(bad), { code: 'E_SOURCE', kind: 'usage' });
});
