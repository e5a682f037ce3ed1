import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../helpers/temp-root.js';
import { run } from '../../src/system/runner.js';

test('overlay render shows what a node gets, and never the content of a secret file', async () => {
  const root = await makeTempRoot();
  try {
    assert.equal((await root.cli(['node', 'add', 'n1', '--ip', '10.0.0.1', '--overlay', 'hostname', '--overlay', 'ssh-host-keys', '--overlay', 'root-ssh',
      '--var', 'root_authorized_keys=ssh-ed25519 AAAAkey1 a@b;ssh-ed25519 AAAAkey2 c@d'])).exitCode, 0);
    const listing = await root.cli(['overlay', 'render', 'n1']);
    assert.equal(listing.exitCode, 0, listing.stderr);
    assert.match(listing.stdout, /^\/etc\/ssh\/ssh_host_ed25519_key\s+file\s+0600\s+0:0\s+\d+\s+ssh-host-keys\s+yes$/m);
    assert.match(listing.stdout, /^\/root\/\.ssh\/authorized_keys\s+file\s+0600\s+0:0/m);

    const services = await root.services();
    const privateKey = (await readFile(join(services.paths.nodeHostKeysDir('n1'), 'ssh_host_ed25519_key'), 'utf8')).split('\n')[1] ?? '';
    assert.ok(privateKey.length > 20);
    const secretText = await root.cli(['overlay', 'render', 'n1', '--path', '/etc/ssh/ssh_host_ed25519_key']);
    assert.match(secretText.stdout, /^\(secret, \d+ bytes\)\n$/);
    const secretJson = await root.cli(['overlay', 'render', 'n1', '--path', 'etc/ssh/ssh_host_ed25519_key', '--json']);
    assert.equal(JSON.parse(secretJson.stdout).content, null);
    for (const output of [listing, secretText, secretJson, await root.cli(['overlay', 'render', 'n1', '--json'])]) {
      assert.ok(!output.stdout.includes(privateKey) && !output.stderr.includes(privateKey), 'no part of a private key is printed');
    }

    const keys = await root.cli(['overlay', 'render', 'n1', '--path', '/root/.ssh/authorized_keys']);
    assert.match(keys.stdout, /^ssh-ed25519 AAAAkey1 a@b\nssh-ed25519 AAAAkey2 c@d\n$/m);
    const missing = await root.cli(['overlay', 'render', 'n1', '--path', '/etc/nothere']);
    assert.equal(missing.exitCode, 1);
    assert.match(missing.stderr, /n1 receives no \/etc\/nothere/);
    assert.equal((await root.cli(['overlay', 'render', 'n1', '--path', '../../etc/shadow'])).exitCode, 2);
  } finally {
    await root.cleanup();
  }
});

test('node ssh-keys prints known_hosts lines, and fingerprints equal to ssh-keygen -l of the stored public keys', async () => {
  const root = await makeTempRoot();
  try {
    await root.cli(['node', 'add', 'n1', '--ip', '10.0.0.1', '--overlay', 'ssh-host-keys']);
    const lines = await root.cli(['node', 'ssh-keys', 'n1']);
    assert.equal(lines.exitCode, 0, lines.stderr);
    assert.match(lines.stdout, /^n1,10\.0\.0\.1 ssh-ed25519 [A-Za-z0-9+/=]+\nn1,10\.0\.0\.1 ecdsa-sha2-nistp256 [A-Za-z0-9+/=]+\n$/);
    const printed = await root.cli(['node', 'ssh-keys', 'n1', '--fingerprint']);
    const dir = (await root.services()).paths.nodeHostKeysDir('n1');
    const expected = [];
    for (const type of ['ed25519', 'ecdsa']) expected.push((await run(['ssh-keygen', '-l', '-f', join(dir, `ssh_host_${type}_key.pub`)])).stdout.trim());
    assert.equal(printed.stdout, `${expected.join('\n')}\n`);
    assert.match(printed.stdout, /^256 SHA256:\S+ root@n1 \(ED25519\)$/m);
    assert.equal((await root.cli(['node', 'ssh-keys', 'n1', '--fingerprint'])).stdout, printed.stdout, 'the same keys the next time');
  } finally {
    await root.cleanup();
  }
});

test('a template error or an unknown overlay is exit 2 with one line naming the problem, and changes nothing', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    const dir = join(services.paths.overlaysDir, 'broken', 'etc');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'app.conf.j2'), 'a = 1\nb = {{ node.vars.nothere }}\n');
    await root.cli(['node', 'add', 'n1', '--overlay', 'broken']);
    const broken = await root.cli(['overlay', 'render', 'n1']);
    assert.equal(broken.exitCode, 2);
    assert.match(broken.stderr, /^disklessset: overlay broken, file etc\/app\.conf\.j2, line 2: [^\n]*\n$/);

    const before = await readFile(services.paths.inventoryFile, 'utf8');
    for (const args of [['node', 'set', 'n1', '--overlay', 'nope'], ['profile', 'add', 'p', '--overlay', 'nope'], ['node', 'add', 'n2', '--overlay', '../x']]) {
      const refused = await root.cli(args);
      assert.equal(refused.exitCode, 2, args.join(' '));
      assert.equal(refused.stderr.trim().split('\n').length, 1);
    }
    assert.match((await root.cli(['node', 'set', 'n1', '--overlay', 'nope'])).stderr, /no overlay named nope; known overlays: broken, hostname, network, root-ssh, ssh-host-keys/);
    assert.equal(await readFile(services.paths.inventoryFile, 'utf8'), before, 'nothing changed');

    assert.equal((await root.cli(['node', 'set', 'n1', '--unset-overlays'])).exitCode, 0);
    assert.equal((await root.cli(['overlay', 'render', 'n1'])).exitCode, 0, 'back to the default overlay');
    const list = await root.cli(['overlay', 'list']);
    assert.match(list.stdout, /^broken\s+site\s+\d+\s+0\s/m);
    assert.match(list.stdout, /^hostname\s+built-in \(generated\)\s+2\s+1\s/m);
    const show = await root.cli(['overlay', 'show', 'broken']);
    assert.match(show.stdout, /^\/etc\/app\.conf\s+template\s+0644/m);
  } finally {
    await root.cleanup();
  }
});

test('overlay render --path of a file that is not UTF-8 text says so, and --json gives its exact bytes', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    await mkdir(join(services.paths.overlaysDir, 'blob', 'etc'), { recursive: true });
    const bytes = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0xff, 0xfe, 0x00, 0x80]);
    await writeFile(join(services.paths.overlaysDir, 'blob', 'etc', 'blob.bin'), bytes);
    assert.equal((await root.cli(['node', 'add', 'n1', '--overlay', 'blob'])).exitCode, 0);
    const text = await root.cli(['overlay', 'render', 'n1', '--path', '/etc/blob.bin']);
    assert.equal(text.stdout, '(not UTF-8 text, 8 bytes: --json gives them in base64)\n');
    const json = JSON.parse((await root.cli(['overlay', 'render', 'n1', '--path', '/etc/blob.bin', '--json'])).stdout) as { content: null; contentBase64: string };
    assert.equal(json.content, null);
    assert.deepEqual(Buffer.from(json.contentBase64, 'base64'), bytes);
  } finally {
    await root.cleanup();
  }
});

test('overlay render of a node set is refused with the count, not reported as a missing node', async () => {
  const root = await makeTempRoot();
  try {
    assert.equal((await root.cli(['node', 'add', 'c[01-02]'])).exitCode, 0);
    const result = await root.cli(['overlay', 'render', 'c[01-02]']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /overlay render shows one node, and c\[01-02\] names 2; name one of them, e\.g\. `disklessset overlay render c01`/);
  } finally {
    await root.cleanup();
  }
});
