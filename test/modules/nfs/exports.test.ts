import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { mount } from '../../../src/system/mount.js';
import { writeExports } from '../../../src/modules/nfs/exports.js';

test('the exports file lists the physical staging and golden roots with the configured options', async () => {
  const temp = await makeTempRoot();
  try {
    await mkdir(join(temp.root, 'etc/diskless'), { recursive: true });
    await writeFile(join(temp.root, 'etc/diskless/diskless.yml'),
      'nfs_export_options: rw,no_root_squash,async,no_subtree_check\nnfs_export_clients: 10.0.0.0/8\n');
    const services = await temp.services();
    const report = await writeExports(services.paths, services.config);
    const text = await readFile(join(temp.root, 'etc/exports.d/diskless.exports'), 'utf8');
    const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
    assert.deepEqual(lines, [
      `${temp.root}/diskless/images/nfsimages/staging 10.0.0.0/8(rw,no_root_squash,async,no_subtree_check)`,
      `${temp.root}/diskless/images/nfsimages/golden 10.0.0.0/8(rw,no_root_squash,async,no_subtree_check)`,
    ]);
    assert.equal(report.files[0]?.written, true);
    assert.ok(existsSync(services.paths.goldenDir), 'exported folders exist');
    assert.equal(existsSync(services.paths.ganeshaExportsFile), false, 'no ganesha block unless asked');
  } finally {
    await temp.cleanup();
  }
});

test('defaults are the original\'s options; the ganesha block maps the logical path onto the physical one', async () => {
  const temp = await makeTempRoot();
  try {
    const services = await temp.services();
    await writeExports(services.paths, services.config, { ganesha: true });
    assert.match(await readFile(services.paths.exportsFile, 'utf8'), /\/golden \*\(rw,no_root_squash,sync\)$/m);
    const block = await readFile(join(temp.root, 'etc/ganesha/diskless.conf'), 'utf8');
    assert.match(block, new RegExp(`^  Path = "${temp.root}/diskless/images/nfsimages";$`, 'm'));
    assert.match(block, /^ {2}Pseudo = "\/diskless\/images\/nfsimages";$/m);
    for (const line of ['Protocols = 4;', 'Squash = No_Root_Squash;', 'SecType = sys;', 'FSAL { Name = VFS; }', 'Access_Type = RW;']) {
      assert.ok(block.includes(line), line);
    }
    assert.equal(block.match(/\{/g)?.length, block.match(/\}/g)?.length, 'balanced braces');
  } finally {
    await temp.cleanup();
  }
});

test('a dry run or a read-only location writes nothing and reports what would be exported', async () => {
  const temp = await makeTempRoot();
  try {
    const services = await temp.services();
    const dry = await writeExports(services.paths, services.config, { dryRun: true, apply: true });
    assert.equal(dry.files[0]?.written, false);
    assert.match(dry.files[0]?.content ?? '', /nfsimages\/staging \*\(rw,no_root_squash,sync\)/);
    assert.equal(dry.applied, false);
    assert.ok(!existsSync(services.paths.exportsFile));
    // Root may write anywhere, so the unwritable case is a real read-only mount.
    const folder = join(temp.root, 'etc/exports.d');
    await mkdir(folder, { recursive: true });
    await mount(['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', folder]);
    const readOnly = await writeExports(services.paths, services.config);
    assert.equal(readOnly.files[0]?.written, false);
    assert.match(readOnly.warnings[0] ?? '', /cannot write .*diskless\.exports/);
    assert.match(readOnly.files[0]?.content ?? '', /nfsimages\/golden/);
    assert.equal(readOnly.applied, false);
  } finally {
    await temp.cleanup();
  }
});

test('export options that could break the file are refused', async () => {
  const temp = await makeTempRoot();
  try {
    await mkdir(join(temp.root, 'etc/diskless'), { recursive: true });
    await writeFile(join(temp.root, 'etc/diskless/diskless.yml'), 'nfs_export_options: "rw sync"\n');
    const services = await temp.services();
    await assert.rejects(writeExports(services.paths, services.config), { code: 'E_EXPORT_SYNTAX' });
  } finally {
    await temp.cleanup();
  }
});

test('a refused export option or config key is shown JSON-quoted, on one line', async () => {
  const temp = await makeTempRoot();
  try {
    const config = join(temp.root, 'etc/diskless/diskless.yml');
    await mkdir(join(temp.root, 'etc/diskless'), { recursive: true });
    await writeFile(config, 'nfs_export_options: "rw\\n/ *(rw)"\n');
    const services = await temp.services();
    await assert.rejects(writeExports(services.paths, services.config), (error: Error & { code?: string }) =>
      error.code === 'E_EXPORT_SYNTAX' && error.message.includes('"rw\\n/ *(rw)"') && !error.message.includes('\n'));
    await writeFile(config, '"bad\\nkey": 1\n');
    const result = await temp.cli(['image', 'list']);
    assert.equal(result.exitCode, 2, result.stderr);
    assert.ok(result.stderr.includes('unknown key "bad\\nkey"'), result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  } finally {
    await temp.cleanup();
  }
});

test('nfs exports --apply on a host without exportfs exits 1 in one line and writes nothing', async () => {
  const temp = await makeTempRoot();
  try {
    // The usual PATH without any folder holding exportfs: the host lacks it, whatever this machine has.
    const path = (process.env.PATH ?? '').split(':').filter((dir) => dir && !existsSync(join(dir, 'exportfs'))).join(':');
    for (const argv of [['nfs', 'exports', '--apply'], ['--json', 'nfs', 'exports', '--apply']]) {
      const result = await temp.cliProcess(argv, { env: { PATH: path } });
      assert.equal(result.exitCode, 1, `${argv.join(' ')}: ${result.stderr}`);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0] ?? '', /exportfs is not installed on this host.*nothing was written/);
      assert.ok(!existsSync(join(temp.root, 'etc/exports.d/diskless.exports')), 'no exports file was written');
    }
    const written = await temp.cliProcess(['nfs', 'exports'], { env: { PATH: path } });
    assert.equal(written.exitCode, 0, 'without --apply the file is written as before');
    assert.ok(existsSync(join(temp.root, 'etc/exports.d/diskless.exports')));
  } finally {
    await temp.cleanup();
  }
});
