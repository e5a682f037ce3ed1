import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { get } from 'node:http';
import { CLI, makeTempRoot } from '../helpers/temp-root.js';

test('serve --tracker runs a tracker beside the file server on the serve address; SIGINT stops both', async () => {
  const t = await makeTempRoot();
  try {
    const child = spawn(process.execPath, [CLI, '--root', t.root, 'serve', '--listen', '127.0.0.1', '--port', '0', '--tracker', '--tracker-port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DISKLESS_ROOT: undefined, NO_COLOR: '1' },
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const started = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('tracker at ')) resolve();
      });
    });
    const exited = once(child, 'exit');
    await Promise.race([started, exited]);
    const url = /tracker at (http:\/\/127\.0\.0\.1:\d+\/announce)/.exec(stdout)?.[1];
    assert.ok(url, stdout);
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
    child.kill('SIGINT');
    const [code] = await exited as [number | null];
    assert.equal(code, 0);
    assert.match(stdout, /server stopped/);
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
