import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipxeArguments, ipxeText, ipxeWord } from '../../../src/boot/ipxe.js';

/** An NFS root as a temporary root would give it (only a string here; nothing is touched). */
const NFS_ROOT = join(tmpdir(), 'disklessset-test-root', 'nfsimages', 'golden', 'gold', 'nodes');

test('ipxeWord passes names, file names and paths through unchanged', () => {
  for (const value of ['compute-el9', 'vmlinuz-6.1.0-test', 'initramfs-kernel-4.18.0-147.el8.x86_64', '52-54-00-12-34-56',
    'c001.cluster.local', NFS_ROOT, 'a+b_c~d,e=f:g@h']) {
    assert.equal(ipxeWord(value, 'value'), value);
  }
});

test('ipxeWord refuses what iPXE would split or expand, naming the value', () => {
  for (const value of ['', 'two words', 'tab\there', 'line\nbreak', 'cr\rhere', 'a${b}', 'cost$5', 'say"hi"', "it's", 'back\\slash', 'nul\0', 'del\x7f']) {
    assert.throws(() => ipxeWord(value, 'kernel'), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'E_IPXE_VALUE');
      assert.ok(error.message.startsWith(`kernel ${JSON.stringify(value)}`), error.message);
      assert.ok(!error.message.includes('\n'), 'the error stays one line');
      return true;
    });
  }
});

test('ipxeText keeps meant spaces and turns each character iPXE acts on into a space', () => {
  assert.equal(ipxeText('console=tty0 console=ttyS0,115200'), 'console=tty0 console=ttyS0,115200');
  assert.equal(ipxeText('line one\nline two costs $5 or ${cost}'), 'line one line two costs  5 or  {cost}');
  assert.equal(ipxeText('say "hi" it\'s a\\b\r\t'), 'say  hi  it s a b  ');
});

test('ipxeArguments keeps kernel arguments word for word and refuses words iPXE would act on', () => {
  assert.equal(ipxeArguments('console=ttyS0,115200  quiet rd.shell=0', 'kernel arguments'), 'console=ttyS0,115200 quiet rd.shell=0');
  assert.equal(ipxeArguments('   ', 'kernel arguments'), '');
  for (const value of ['quiet ${root}', 'a\nchain http://x/', 'quiet ; shell', 'quiet || shell', 'quiet && shell', 'quiet #rest', 'say"hi"', 'back\\slash']) {
    assert.throws(() => ipxeArguments(value, 'kernel arguments'), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'E_IPXE_VALUE', value);
      assert.ok(!error.message.includes('\n'), 'the error stays one line');
      return true;
    });
  }
});
