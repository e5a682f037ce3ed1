/**
 * Boot server failover, read through a small iPXE simulator
 * (test/helpers/ipxe-sim.ts): the published node script of a node that names
 * servers and its image's boot file, as written by the tool, followed with
 * some servers down.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { nodeScriptPath } from '../../../src/boot/index.js';
import { livenetBootFile, nfsBootFile, nodeScript, bootUrls } from '../../../src/boot/ipxe.js';
import { rootWithDemoImages } from '../../helpers/inventory.js';
import { simulate, type Network } from '../../helpers/ipxe-sim.js';
import type { Paths } from '../../../src/core/paths.js';

// The simulator does not format types: the MAC as `${mac:hexhyp}` gives it.
const SETTINGS = { 'next-server': '10.0.0.1', mac: '52-54-00-00-00-01', hostname: 'c01' };

function livenet(paths: Paths): string {
  return livenetBootFile(paths, { name: 'img', kernel: 'vmlinuz-1', initramfs: 'initramfs-kernel-1', selinux: false, layout: 'liveos',
    squashfsFile: 'squashfs.img', defaultConsole: 'console=ttyS0' });
}

/** A network where each host in `down` fails every request, and boot files are served as scripts. */
function network(paths: Paths, down: readonly string[], bootFile: string): Network {
  const images = bootUrls(paths).imagesPath;
  return (url) => {
    const host = /^http:\/\/([^/]+)/.exec(url)?.[1] ?? '';
    if (down.includes(host)) return false;
    return url.split('?')[0]?.endsWith(`${images}/img/boot.ipxe`) ? bootFile : true;
  };
}

const hostOf = (url: string): string => /^http:\/\/([^/]+)/.exec(url)?.[1] ?? '';
const fileOf = (url: string): string => (url.split('?')[0] ?? '').replace(/^.*\//, '');

test('a node naming servers gets them in its script, in order, on its kernel line, and the script falls back from one to the next', async () => {
  const { t, paths } = await rootWithDemoImages('img');
  try {
    for (const [name, url] of [['main', 'http://10.0.0.1'], ['sat1', 'http://10.0.1.1:8080'], ['sat2', 'http://10.0.2.1']] as const) {
      assert.equal((await t.cli(['server', 'add', name, url])).exitCode, 0);
    }
    assert.equal((await t.cli(['profile', 'add', 'rack1', '--image', 'img', '--servers', 'sat1,main', '--kernel-args', 'quiet'])).exitCode, 0);
    assert.equal((await t.cli(['node', 'add', 'c01', '--profile', 'rack1'])).exitCode, 0);
    const script = await readFile(nodeScriptPath(paths, 'c01'), 'utf8');
    assert.match(script, /\nset diskless-server0 http:\/\/10\.0\.1\.1:8080\nset diskless-server1 http:\/\/10\.0\.0\.1\nclear diskless-server2\n/);
    assert.match(script, /\nset diskless-kernel-args diskless\.servers=http:\/\/10\.0\.1\.1:8080,http:\/\/10\.0\.0\.1 quiet\n/, 'the list first, the node\'s own arguments last');

    const boot = livenet(paths);
    // Every node with an image gets the hostname overlay: its archive is fetched through the servers too.
    assert.match(script, /\nset diskless-overlay-path \S+\/overlays\/c01\.img\?node=c01&mac=\$\{mac:hexhyp\}\n/);
    const allUp = simulate(script, network(paths, [], boot), SETTINGS);
    assert.equal(allUp.outcome, 'booted');
    assert.deepEqual(allUp.fetched.map((url) => [hostOf(url), fileOf(url)]),
      [['10.0.1.1:8080', 'boot.ipxe'], ['10.0.1.1:8080', 'vmlinuz-1'], ['10.0.1.1:8080', 'initramfs-kernel-1'], ['10.0.1.1:8080', 'c01.img']], 'everything from the first server');
    assert.match(allUp.kernelArgs ?? '', /root=live:http:\/\/10\.0\.1\.1:8080\/\S+\/images\/img\/squashfs\.img\?node=c01&mac=52-54-00-00-00-01 /);
    assert.match(allUp.kernelArgs ?? '', / diskless\.servers=http:\/\/10\.0\.1\.1:8080,http:\/\/10\.0\.0\.1 quiet$/);

    const firstDown = simulate(script, network(paths, ['10.0.1.1:8080'], boot), SETTINGS);
    assert.equal(firstDown.outcome, 'booted', 'the first server down: the node boots from the second');
    assert.deepEqual(firstDown.fetched.map((url) => [hostOf(url), fileOf(url)]),
      [['10.0.0.1', 'boot.ipxe'], ['10.0.0.1', 'vmlinuz-1'], ['10.0.0.1', 'initramfs-kernel-1'], ['10.0.0.1', 'c01.img']]);
    assert.match(firstDown.kernelArgs ?? '', /root=live:http:\/\/10\.0\.0\.1\//, 'the root image from the server that answered');

    const allDown = simulate(script, network(paths, ['10.0.1.1:8080', '10.0.0.1'], boot), SETTINGS);
    assert.equal(allDown.outcome, 'failed');
    assert.match(allDown.echoed.join('\n'), /Could not fetch the image boot file from any boot server/);

    // A server changed in the inventory reaches the script.
    assert.equal((await t.cli(['node', 'set', 'c01', '--servers', 'sat2'])).exitCode, 0);
    assert.match(await readFile(nodeScriptPath(paths, 'c01'), 'utf8'), /\nset diskless-server0 http:\/\/10\.0\.2\.1\nclear diskless-server1\n/);
  } finally {
    await t.cleanup();
  }
});

test('each stage falls back on its own: a server that serves the boot file but not the kernel, and an overlay on the second server only', async () => {
  const { t, paths } = await rootWithDemoImages('img');
  try {
    const urls = bootUrls(paths);
    const script = nodeScript(urls, 'c01', 'img', undefined, true, ['http://a', 'http://b']);
    assert.match(script, /\nset diskless-overlay http:\/\/a\/\S+\/overlays\/c01\.img\?node=c01&mac=\$\{mac:hexhyp\}\n/);
    const boot = livenet(paths);
    const answers: Network = (url) => {
      if (url.startsWith('http://a/') && !url.includes('/images/')) return false;
      return url.split('?')[0]?.endsWith('/img/boot.ipxe') ? boot : true;
    };
    const run = simulate(script, answers, SETTINGS);
    assert.equal(run.outcome, 'booted');
    assert.deepEqual(run.fetched.map((url) => [hostOf(url), fileOf(url)]),
      [['a', 'boot.ipxe'], ['b', 'vmlinuz-1'], ['b', 'initramfs-kernel-1'], ['b', 'c01.img']]);
    assert.deepEqual(run.tried.filter((url) => hostOf(url) === 'a').map(fileOf), ['boot.ipxe', 'vmlinuz-1', 'initramfs-kernel-1', 'c01.img'], 'each stage starts from the first server');

    const noOverlay = simulate(script, (url) => (url.includes('/overlays/') ? false : answers(url)), SETTINGS);
    assert.equal(noOverlay.outcome, 'failed', 'a node never boots without its overlay');
    assert.match(noOverlay.echoed.join('\n'), /Could not fetch the overlay of this node/);
  } finally {
    await t.cleanup();
  }
});

test('a node without servers boots exactly as before: the same script, every file from next-server', async () => {
  const { t, paths } = await rootWithDemoImages('img');
  try {
    const urls = bootUrls(paths);
    assert.equal(nodeScript(urls, 'c01', 'img', 'quiet', false, []), nodeScript(urls, 'c01', 'img', 'quiet', false));
    assert.doesNotMatch(nodeScript(urls, 'c01', 'img', 'quiet'), /diskless-server|diskless\.servers/);
    for (const boot of [livenet(paths), nfsBootFile({ paths, imageName: 'img', kind: 'staging', kernel: 'vmlinuz-1', initramfs: 'initramfs-kernel-1',
      nfsRoot: '/nfs/img', perNode: false, defaultConsole: 'console=ttyS0' })]) {
      const run = simulate(nodeScript(urls, 'c01', 'img'), network(paths, [], boot), SETTINGS);
      assert.equal(run.outcome, 'booted');
      assert.deepEqual([...new Set(run.tried.map(hostOf))], ['10.0.0.1']);
      assert.doesNotMatch(run.kernelArgs ?? '', /diskless\.servers/);
    }
  } finally {
    await t.cleanup();
  }
});

test('NFS boot files fetch the kernel and initramfs through the servers; the root stays on next-server', async () => {
  const { t, paths } = await rootWithDemoImages('img');
  try {
    const boot = nfsBootFile({ paths, imageName: 'img', kind: 'golden', kernel: 'vmlinuz-1', initramfs: 'initramfs-kernel-1',
      nfsRoot: '/nfs/golden/img/nodes', perNode: true, defaultConsole: 'console=ttyS0' });
    const script = nodeScript(bootUrls(paths), 'c01', 'img', undefined, false, ['http://a', 'http://b']);
    const run = simulate(script, network(paths, ['a'], boot), SETTINGS);
    assert.equal(run.outcome, 'booted');
    assert.deepEqual(run.fetched.map((url) => [hostOf(url), fileOf(url)]), [['b', 'boot.ipxe'], ['b', 'vmlinuz-1'], ['b', 'initramfs-kernel-1']]);
    assert.match(run.kernelArgs ?? '', /root=nfs:10\.0\.0\.1:\/nfs\/golden\/img\/nodes\/c01,vers=4\.2/);
  } finally {
    await t.cleanup();
  }
});

test('a boot file that returns without booting (a demo image) ends the node script quietly, as with one server', () => {
  const script = nodeScript({ imagesPath: '/p/images', nodesPath: '/p/nodes', kernelsPath: '/p/kernels', overlaysPath: '/p/overlays' }, 'c01', 'demo', undefined, false, ['http://a']);
  const run = simulate(script, (url) => (url.includes('/images/demo/boot.ipxe') ? '#!ipxe\necho Hello from the demo image\nexit 0\n' : true), SETTINGS);
  assert.equal(run.outcome, 'exited');
  assert.deepEqual(run.echoed, ['Hello from the demo image'], 'no failure message');
});
