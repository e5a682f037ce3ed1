import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLI, makeTempRoot } from '../helpers/temp-root.js';
import { run, type CommandError } from '../../src/system/runner.js';

test('serve --api answers files and the API, logs access lines, and stops on SIGTERM', async () => {
  const root = await makeTempRoot();
  try {
    const token = (await root.cli(['api', 'token', 'create', '--role', 'read'])).stdout.split('\n')[0] as string;
    assert.equal((await root.cli(['demo', 'create', 'img', '--message', 'hi'])).exitCode, 0);
    const stop = new AbortController();
    let stdout = '';
    let announce: (url: string) => void = () => {};
    const announced = new Promise<string>((resolve) => { announce = resolve; });
    const serving = run([process.execPath, CLI, '--root', root.root, 'serve', '--port', '0', '--api'], {
      signal: stop.signal, allowFailure: true, timeoutMs: 60_000, env: { DISKLESS_ROOT: undefined, NO_COLOR: '1' },
      onStdout: (chunk) => {
        stdout += chunk.toString('utf8');
        const match = / at (http:\/\/\S+?)\/? /.exec(stdout);
        if (match) announce(match[1] as string);
      },
    }).then(() => assert.fail('serve stopped by itself'), (error: CommandError) => error);
    const url = await announced;
    assert.match(stdout, /serving \S+\/var\/www\/html at http:\/\/127\.0\.0\.1:\d+/);

    const entry = await fetch(`${url}/preboot_execution_environment/diskless/boot.ipxe`);
    assert.equal(entry.status, 200);
    assert.match(await entry.text(), /item image0 img \(DemoImage\)/);
    const images = await fetch(`${url}/api/v1/images`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(images.status, 200);
    assert.equal(((await images.json()) as { images: { name: string }[] }).images[0]?.name, 'img');
    assert.equal((await fetch(`${url}/api/v1/images`)).status, 401);

    stop.abort();
    const ended = await serving;
    assert.match(ended.stderr, /SIGTERM: stopping/, 'the server handled SIGTERM');
    assert.match(ended.stderr, /127\.0\.0\.1 GET \/preboot_execution_environment\/diskless\/boot\.ipxe 200 \d+/);
    assert.ok(!ended.stderr.includes(token), 'tokens never reach the log');
  } finally {
    await root.cleanup();
  }
});

test('http-config prints a snippet for the installation\'s HTTP root', async () => {
  const root = await makeTempRoot();
  try {
    const nginx = await root.cli(['http-config', 'nginx']);
    assert.equal(nginx.exitCode, 0, nginx.stderr);
    assert.ok(nginx.stdout.includes(`${root.root}/var/www/html`));
    assert.match(nginx.stdout, /server\s*\{/);
    const apache = await root.cli(['http-config', 'apache', '--port', '8080']);
    assert.equal(apache.exitCode, 0, apache.stderr);
    assert.match(apache.stdout, /8080/);
    assert.equal((await root.cli(['http-config', 'lighttpd'])).exitCode, 2);
  } finally {
    await root.cleanup();
  }
});
