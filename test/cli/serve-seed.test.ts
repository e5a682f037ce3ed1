import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../helpers/temp-root.js';
import { aria2cOnPort } from '../helpers/aria2c-processes.js';
import { startServeProcess } from '../helpers/serve-process.js';
import { freeLoopbackPort } from '../helpers/nginx-harness.js';
import { patterned } from '../helpers/serve-fixture.js';
import { Paths } from '../../src/core/paths.js';
import { fileSha256, versionRootFile, writeVersionRecord } from '../../src/core/image/versions.js';
import { writeVersionShare } from '../../src/core/image/version-share.js';

test('serve --seed seeds each published version with a torrent (one aria2c), and SIGINT stops it with serve', async () => {
  const t = await makeTempRoot();
  try {
    // A published version as a publication leaves it: root image, share files, record.
    const dir = new Paths(t.root).imageDir('img1');
    await mkdir(dir, { recursive: true });
    const id = 'abcdefabcdef';
    await writeFile(join(dir, versionRootFile(id)), patterned(300_000, 4));
    const sha256 = await fileSha256(join(dir, versionRootFile(id)));
    await writeVersionShare(dir, 'img1', id, sha256, { trackers: ['http://127.0.0.1:6969/announce'] });
    await writeVersionRecord(dir, { id, date: '2026-01-01T00:00:00.000Z', rootSha256: sha256, kernel: null, initramfs: null, sourceDigest: null,
      rootBytes: 300_000, treeBytes: null, command: 'test', attributes: {} });
    const port = await freeLoopbackPort();
    const serve = await startServeProcess(t.root, ['--listen', '127.0.0.1', '--port', '0', '--seed', '--seed-port', String(port)], 'seeding ');
    assert.match(serve.stdout(), new RegExp(`seeding 1 root image\\(s\\) on port ${port}`), serve.stderr());
    const seeders = await aria2cOnPort(port);
    assert.equal(seeders.length, 1, 'one aria2c seeds');
    const stat = (await readFile(`/proc/${seeders[0]}/stat`, 'latin1')).split(') ')[1]?.split(' ');
    assert.equal(stat?.[1], String(serve.pid), 'it is a child of serve');
    const code = await serve.stop('SIGINT');
    assert.equal(code, 0, serve.stderr());
    const output = `${serve.stdout()}${serve.stderr()}`;
    assert.equal(output.match(/seeding 1 root image/g)?.length, 1, `the seeding line is printed once: ${output}`);
    assert.deepEqual(await aria2cOnPort(port), [], 'no aria2c outlives serve');
  } finally {
    await t.cleanup();
  }
});

test('serve refuses seeder options without --seed, and a bad upload limit: exit 2, one line', async () => {
  const t = await makeTempRoot();
  try {
    const cases: Array<[string[], RegExp]> = [
      [['--seed-port', '7000'], /--seed-port was given without --seed/],
      [['--seed-upload-limit', '8M'], /--seed-upload-limit was given without --seed/],
      [['--seed', '--seed-upload-limit', '8 MB'], /upload limit "8 MB" is not a rate in bytes per second/],
      [['--seed', '--seed-port', '99999'], /seed port "99999" is not a number from 1 to 65535.*--seed-port 6882 for example$/m],
    ];
    for (const [args, message] of cases) {
      const result = await t.cli(['serve', '--listen', '127.0.0.1', '--port', '0', ...args]);
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
  } finally {
    await t.cleanup();
  }
});

test('serve refuses a seed port of 0 and one port given to two services: exit 2, one line, nothing started', async () => {
  const t = await makeTempRoot();
  try {
    const cases: Array<[string[], RegExp]> = [
      // aria2c cannot pick a free port itself: with 0 it exited at once and was started again every poll.
      [['--port', '0', '--seed', '--seed-port', '0'], /seed port "0" is not a number from 1 to 65535.*--seed-port 6882/],
      [['--port', '18187', '--tracker', '--tracker-port', '18187'], /--port and --tracker-port are both 18187.*one port each/],
      [['--port', '18188', '--seed', '--seed-port', '18188'], /--port and --seed-port are both 18188/],
      [['--port', '0', '--tracker', '--tracker-port', '18189', '--seed', '--seed-port', '18189'], /--tracker-port and --seed-port are both 18189/],
    ];
    for (const [args, message] of cases) {
      const result = await t.cli(['serve', '--listen', '127.0.0.1', ...args]);
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
  } finally {
    await t.cleanup();
  }
});
