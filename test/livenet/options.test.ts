import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLivenetOptions, parseSize } from '../../src/modules/livenet/options.js';
import { sha512Crypt } from '../../src/core/os/password.js';

test('sizes are read as the original did, in MiB, from 100 to 50000 MiB', () => {
  assert.equal(parseSize('5120M'), 5120);
  assert.equal(parseSize('5G'), 5120);
  assert.equal(parseSize('1.5G'), 1536);
  assert.equal(parseSize('0.125G'), 128);
  assert.equal(parseSize('100M'), 100);
  assert.equal(parseSize('50000M'), 50000);
  for (const bad of ['99M', '50001M', '49G', '5', '5T', '1.5M', '1.2345G', 'G', '-5G', 'five']) {
    assert.throws(() => parseSize(bad), { code: 'E_SIZE', kind: 'usage' }, bad);
  }
});

test('options default to core, zstd and the liveos layout, and refuse bad values', () => {
  const base = { kernel: 'vmlinuz-1', size: '1G', password_hash: sha512Crypt('pw') };
  const options = parseLivenetOptions(base, { source: 'mmdebstrap' });
  assert.equal(options.type, 'core');
  assert.equal(options.compression, 'zstd');
  assert.equal(options.layout, 'liveos');
  assert.deepEqual(options.source, { kind: 'mmdebstrap' });
  assert.deepEqual(parseLivenetOptions({ ...base, packages: 'vim, htop,vim' }, { source: 'dnf' }).packages, ['vim', 'htop']);
  assert.throws(() => parseLivenetOptions({ ...base, compression: 'bzip2' }, { source: 'dnf' }), { kind: 'usage' });
  assert.throws(() => parseLivenetOptions({ ...base, type: 'huge' }, { source: 'dnf' }), { kind: 'usage' });
  assert.throws(() => parseLivenetOptions({ ...base, size: undefined }, { source: 'dnf' }), { code: 'E_SIZE' });
  assert.equal(parseLivenetOptions({ ...base, size: undefined, layout: 'flat' }, { source: 'dnf' }).layout, 'flat');
});
