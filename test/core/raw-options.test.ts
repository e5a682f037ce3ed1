import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nameList, nearestKey, optionalFlag, optionalText, requireKnownKeys } from '../../src/core/raw-options.js';

const KNOWN = ['kernel', 'type', 'size', 'source', 'password_file', 'packages', 'selinux'];

test('an unknown key is refused with the nearest known key suggested', () => {
  assert.equal(nearestKey('sizee', KNOWN), 'size');
  assert.equal(nearestKey('kernell', KNOWN), 'kernel');
  assert.equal(nearestKey('pasword-file', KNOWN), 'password_file');
  assert.equal(nearestKey('completely_unrelated', KNOWN), undefined);
  assert.throws(() => requireKnownKeys({ kernel: 'k', sizee: '5G' }, KNOWN, 'spec.yml'),
    { code: 'E_UNKNOWN_OPTION', kind: 'usage', message: 'unknown key "sizee" in spec.yml; did you mean size?' });
  assert.throws(() => requireKnownKeys({ zzzzzzzzzz: 1 }, KNOWN, 'spec.yml'), (error: Error & { hint?: string }) => {
    assert.doesNotMatch(error.message, /did you mean/);
    assert.match(error.hint ?? '', /known keys: kernel/);
    return true;
  });
  assert.doesNotThrow(() => requireKnownKeys({ kernel: 'k', size: '5G' }, KNOWN, 'spec.yml'));
});

test('values of the wrong type are refused, never replaced by a default', () => {
  assert.equal(optionalText({ source: 'dnf' }, 'source', 'E_SOURCE'), 'dnf');
  assert.equal(optionalText({}, 'source', 'E_SOURCE'), undefined);
  for (const value of [12, true, ['dnf'], { kind: 'dir' }]) {
    assert.throws(() => optionalText({ source: value }, 'source', 'E_SOURCE'), { code: 'E_SOURCE', kind: 'usage' });
  }
  assert.equal(optionalFlag({ selinux: true }, 'selinux'), true);
  assert.equal(optionalFlag({}, 'selinux'), false);
  for (const value of ['yes', 1, 'true']) assert.throws(() => optionalFlag({ selinux: value }, 'selinux'), { code: 'E_OPTION_TYPE' });
  assert.deepEqual(nameList({ packages: 'vim, htop vim' }, 'packages'), ['vim', 'htop']);
  assert.deepEqual(nameList({ packages: ['vim', 'tmux'] }, 'packages'), ['vim', 'tmux']);
  assert.throws(() => nameList({ packages: [1, 2] }, 'packages'), { code: 'E_OPTION_TYPE' });
  assert.throws(() => nameList({ packages: { a: 1 } }, 'packages'), { code: 'E_OPTION_TYPE' });
});
