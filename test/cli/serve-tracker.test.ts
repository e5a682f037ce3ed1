import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { makeTempRoot } from '../helpers/temp-root.js';
import { startServeProcess } from '../helpers/serve-process.js';
import { builtImage } from '../helpers/livenet-fixtures.js';
import { Paths } from '../../src/core/paths.js';

/** serve with its tracker, both on free ports of 127.0.0.1. */
const TRACKER_ARGS = ['--listen', '127.0.0.1', '--port', '0', '--tracker', '--tracker-port', '0'];

test('serve --tracker runs a tracker beside the file server on the serve address; SIGINT stops both', async () => {
  const t = await makeTempRoot();
  try {
    const serve = await startServeProcess(t.root, TRACKER_ARGS, 'tracker at ');
    const url = /tracker at (http:\/\/127\.0\.0\.1:\d+\/announce)/.exec(serve.stdout())?.[1];
    assert.ok(url, serve.stdout());
    const answer = await new Promise<string>((resolve, reject) => {
      get(`${url}?info_hash=${'%01'.repeat(20)}&peer_id=${'%02'.repeat(20)}&port=7001&uploaded=0&downloaded=0&left=1&compact=1&event=started`,
        { agent: false }, (response) => {
          let body = '';
          response.setEncoding('latin1');
          response.on('data', (chunk: string) => { body += chunk; });
          response.on('end', () => resolve(body));
        }).on('error', reject);
    });
    assert.match(answer, /^d.*8:intervali\d+e.*5:peers/, 'a bencoded announce answer');
    const code = await serve.stop('SIGINT');
    assert.equal(code, 0);
    assert.match(serve.stdout(), /server stopped/);
  } finally {
    await t.cleanup();
  }
});

test('serve refuses a bad --tracker-port, or one without --tracker: exit 2, one line', async () => {
  const t = await makeTempRoot();
  try {
    const cases: Array<[string[], RegExp]> = [
      [['--tracker', '--tracker-port', '70000'], /tracker port "70000" is not a number from 0 to 65535.*--tracker-port/],
      [['--tracker', '--tracker-port', 'x'], /tracker port "x"/],
      [['--tracker-port', '7000'], /--tracker-port was given without --tracker/],
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

/** Runs `serve --tracker` until it prints its tracker line, stops it, and returns what it wrote on stderr. */
async function serveTrackerOnce(root: string): Promise<string> {
  // The warnings follow the tracker line; serve writes them before it heeds SIGINT.
  const serve = await startServeProcess(root, TRACKER_ARGS, 'tracker at ');
  assert.equal(await serve.stop('SIGINT'), 0, serve.stderr());
  return serve.stderr();
}

test('serve --tracker warns once per image whose current torrent names another tracker, naming the rebuild; none after it', async () => {
  const { t } = await builtImage('versions_kept: 3\n');
  try {
    await writeFile(Paths.configFile(t.root), 'p2p_tracker_url: http://10.0.0.1:7000/announce\n');
    const stale = await serveTrackerOnce(t.root);
    const warnings = stale.split('\n').filter((line) => line.startsWith('warning:'));
    assert.equal(warnings.length, 1, stale);
    assert.match(warnings[0] as string, /image v1: its current version's torrent names no tracker, not the configured one.*disklessset image rebuild v1/);

    const rebuilt = await t.cli(['image', 'rebuild', 'v1']);
    assert.equal(rebuilt.exitCode, 0, rebuilt.stderr);
    const after = await serveTrackerOnce(t.root);
    assert.doesNotMatch(after, /warning:/, 'the new version names the configured tracker');
  } finally {
    await t.cleanup();
  }
});
