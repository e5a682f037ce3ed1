/**
 * The bundled CLI (dist/bundle/disklessset.js, what the package's `bin`
 * runs) answers exactly as the compiled sources it is made from
 * (dist/src/cli/bin.js): same output, same errors, same exit codes, and it
 * finds the files the package ships (package.json, built-in overlays).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI, makeTempRoot, REPO_ROOT, UNBUNDLED_CLI } from '../helpers/temp-root.js';
import { run } from '../../src/system/runner.js';

test('the bundled bin and the unbundled entry give the same answers', async () => {
  const t = await makeTempRoot();
  try {
    assert.equal((await t.cli(['demo', 'create', 'hello', '--message', 'hi'])).exitCode, 0);
    const lines = [
      ['--version'],
      ['--root', t.root, 'image', 'list', '--json'],
      ['--root', t.root, 'overlay', 'list', '--json'],
      ['--root', t.root, 'module', 'list', '--json'],
      ['--root', t.root, 'image', 'show', 'absent'],
      ['nodeset', '-f', 'n3', 'n1', 'n2', 'm7'],
      ['nodeset', '-e', 'n[1-3'],
    ];
    for (const line of lines) {
      const options = { allowFailure: true, env: { DISKLESS_ROOT: undefined, NO_COLOR: '1' } };
      const [bundled, unbundled] = await Promise.all([
        run([process.execPath, CLI, ...line], options), run([process.execPath, UNBUNDLED_CLI, ...line], options)]);
      assert.deepEqual(
        { exitCode: bundled.exitCode, stdout: bundled.stdout, stderr: bundled.stderr },
        { exitCode: unbundled.exitCode, stdout: unbundled.stdout, stderr: unbundled.stderr }, line.join(' '));
    }
    // What the lines above answer, so that "the same" is not "both broken".
    const version = (JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const shown = await run([process.execPath, CLI, '--version']);
    assert.match(shown.stdout, new RegExp(`^disklessset ${version.replace(/\./g, '\\.')} `));
    const images = JSON.parse((await run([process.execPath, CLI, '--root', t.root, 'image', 'list', '--json'])).stdout) as { name: string }[];
    assert.deepEqual(images.map((i) => i.name), ['hello']);
    const listed = JSON.parse((await run([process.execPath, CLI, '--root', t.root, 'overlay', 'list', '--json'])).stdout) as
      { overlays: { name: string; origin: string; generated: boolean; fileCount: number }[] };
    const shipped = listed.overlays.find((o) => o.name === 'root-ssh');
    assert.ok(shipped && shipped.origin === 'builtin' && !shipped.generated && shipped.fileCount > 0,
      'the overlays/ folder of the package is found from the bundle');
    assert.equal((await run([process.execPath, CLI, 'nodeset', '-f', 'n3', 'n1', 'n2'])).stdout, 'n[1-3]\n');
  } finally {
    await t.cleanup();
  }
});
