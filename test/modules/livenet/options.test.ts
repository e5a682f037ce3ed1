import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLivenetFormat, parseSize } from '../../../src/modules/livenet/options.js';

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

test('livenet format options default to zstd and the liveos layout, which needs a size, and refuse bad values', () => {
  const format = parseLivenetFormat({ size: '1G' });
  assert.deepEqual(format, { sizeMiB: 1024, compression: 'zstd', layout: 'liveos' });
  assert.equal(parseLivenetFormat({ livenet_size: 5120 }).sizeMiB, 5120, 'the original attribute name, a number of MiB');
  assert.throws(() => parseLivenetFormat({ size: '1G', compression: 'bzip2' }), { code: 'E_COMPRESSION', kind: 'usage' });
  assert.throws(() => parseLivenetFormat({ size: '1G', layout: 'tree' }), { code: 'E_LAYOUT', kind: 'usage' });
  assert.throws(() => parseLivenetFormat({}), { code: 'E_SIZE' });
  assert.throws(() => parseLivenetFormat({ size: true }), { code: 'E_SIZE' });
  assert.deepEqual(parseLivenetFormat({ layout: 'flat' }), { sizeMiB: 0, compression: 'zstd', layout: 'flat' });
});
