/**
 * The console reading of the overlay boot benchmark: phases from the guest
 * kernel's timestamps (lines as a TCG boot printed them, escapes and \r
 * included), kernel start on the host clock, stall reports, and a serial log
 * followed while it grows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bootPhases, median, TimedSerial, type SeenLine } from '../../bench/overlay-boot-console.js';

const at = (atMs: number, text: string): SeenLine => ({ atMs, text });

test('phases come from the kernel timestamps; kernel start is the tightest host − guest offset', () => {
  const phases = bootPhases([
    at(12_400, '[    0.000000] Linux version 6.1.0-57-amd64'),
    at(14_000, '[    1.067541] Trying to unpack rootfs image as initramfs...'),
    at(15_500, '[    2.909221] Freeing initrd memory: 26728K'),
    at(16_900, '[    4.377634] Run /init as init process'),
    at(70_000, '[   55.359968] systemd[1]: Starting dracut-pre-pivot.service - dracut pre-pivot and cleanup hook...'),
    at(75_000, '[   60.586429] systemd[1]: Finished dracut-pre-pivot.service - dracut pre-pivot and cleanup hook.'),
    at(78_000, '[   63.914449] systemd[1]: Switching root.'),
    at(120_000, '[  106.342829] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:'),
    at(155_000, '[  141.035242] watchdog: BUG: soft lockup - CPU#0 stuck for 45s! [(udev-worker):748]'),
    at(192_000, '[  178.033010] systemd[1]: Starting disklessset-e2e-marker.service - disklessset e2e boot marker...'),
    at(192_000, 'DISKLESSSET-E2E-MARKER up on bench-node1'),
    at(192_000, '[  179.574567] systemd[1]: Startup finished in 4.507s (kernel) + 1min 3.134s (initrd) + 1min 51.957s (userspace) = 2min 59.599s.'),
  ]);
  assert.equal(phases.kernelStartHostMs, 12_400);
  assert.equal(phases.initS, 4.377634);
  assert.ok(Math.abs((phases.unpackS ?? 0) - 1.84168) < 1e-9);
  assert.ok(Math.abs((phases.prePivotS ?? 0) - 5.226461) < 1e-9);
  assert.equal(phases.switchRootS, 63.914449);
  assert.equal(phases.markerS, 178.03301);
  assert.equal(phases.stalls, 2);
  assert.equal(phases.startupFinished, '4.507s (kernel) + 1min 3.134s (initrd) + 1min 51.957s (userspace) = 2min 59.599s');
});

test('a console without the lines gives undefined phases, never zeros', () => {
  const phases = bootPhases([at(5000, 'SeaBIOS (version 1.16.2)')]);
  assert.deepEqual(phases, {
    kernelStartHostMs: undefined, initS: undefined, unpackS: undefined, prePivotS: undefined,
    switchRootS: undefined, markerS: undefined, stalls: 0, startupFinished: undefined,
  });
});

test('median of odd, even and empty lists', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('the serial follower keeps complete lines only, without \\r or colour escapes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'disklessset-timed-serial-'));
  try {
    const path = join(dir, 'serial.log');
    await writeFile(path, '[    0.000000] Linux version\r\n[  OK  ] \x1b[0;32mStarted\x1b[0m x\r\npartial');
    const serial = new TimedSerial(path, Date.now(), 20);
    serial.start();
    await sleep(100);
    await appendFile(path, ' line\r\n');
    await serial.stop();
    assert.deepEqual(serial.lines.map((line) => line.text), ['[    0.000000] Linux version', '[  OK  ] Started x', 'partial line']);
    assert.ok(serial.lines.every((line) => line.atMs >= 0));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
