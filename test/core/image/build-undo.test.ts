import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { makeTempRoot } from '../../helpers/temp-root.js';

test('a killed build is undone only inside its own locations: a forged journal cannot delete another image or a kernel', async () => {
  const t = await makeTempRoot();
  try {
    for (const name of ['d1', 'd3']) assert.equal((await t.cli(['demo', 'create', name, '--message', 'm'])).exitCode, 0);
    const { paths } = await t.services();
    const kernel = join(paths.kernelsDir, 'vmlinuz-6.1.0-test');
    await writeFile(kernel, 'kernel');
    const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    const ownDemo = join(paths.demoDir, 'demo_directory_evil');
    await mkdir(ownDemo, { recursive: true });
    await mkdir(paths.imageDir('evil'), { recursive: true });
    const foreign = [paths.imageDir('d3'), kernel, join(paths.demoDir, 'demo_directory_d1')];
    await writeFile(paths.installationsFile, stringify({
      evil: { pid: 999999, image_class: 'DemoImage', boot_id: bootId, paths: [paths.imageDir('evil'), ownDemo, ...foreign], mounts: [paths.imageDir('d1')] },
    }));

    const next = await t.cli(['demo', 'create', 'k5', '--message', 'm']);
    assert.equal(next.exitCode, 0, next.stderr);
    for (const path of foreign) {
      assert.ok(existsSync(path), `${path} is kept`);
      assert.match(next.stderr + next.stdout, new RegExp(`kept ${path.replace(/[.]/g, '\\.')}: .*does not belong to evil`));
    }
    assert.ok(!existsSync(ownDemo), 'the build\'s own demo folder is removed');
    assert.ok(!existsSync(paths.imageDir('evil')), 'the build\'s own image folder is removed');
    const listed = JSON.parse((await t.cli(['image', 'list', '--json'])).stdout) as { name: string; status: string }[];
    assert.deepEqual(listed.map((i) => `${i.name}:${i.status}`).sort(), ['d1:CREATED', 'd3:CREATED', 'k5:CREATED']);
  } finally {
    await t.cleanup();
  }
});

test('a journaled path reached through a link into another image is kept', async () => {
  const t = await makeTempRoot();
  try {
    assert.equal((await t.cli(['demo', 'create', 'd1', '--message', 'm'])).exitCode, 0);
    const { paths } = await t.services();
    await mkdir(paths.imageWorkDir('evil'), { recursive: true });
    const { symlink } = await import('node:fs/promises');
    await symlink(paths.imageDir('d1'), join(paths.imageWorkDir('evil'), 'link'));
    await writeFile(paths.installationsFile, stringify({
      evil: { pid: 999999, image_class: 'DemoImage', paths: [join(paths.imageWorkDir('evil'), 'link', 'image_data.yml')] },
    }));
    const cleaned = await t.cli(['image', 'clean', 'evil', '--yes']);
    assert.equal(cleaned.exitCode, 0, cleaned.stderr);
    assert.ok(existsSync(join(paths.imageDir('d1'), 'image_data.yml')), 'the other image keeps its data');
  } finally {
    await t.cleanup();
  }
});
