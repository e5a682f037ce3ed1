/**
 * Progress on stderr: JSON lines under --json (a child tool's own percentage
 * relayed, heartbeats, a summary), plain lines rate-limited without a
 * terminal. Time is a hand-driven clock: nothing here waits or measures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgressView, progressMode, type ProgressClock, type ProgressMode } from '../../src/cli/progress-renderer.js';
import { percentRelay, StepReporter } from '../../src/core/progress.js';
import { run } from '../../src/system/runner.js';

/** A clock that moves only when told, and the ticker the view registered. */
function handClock() {
  let now = 1_000_000;
  const ticks: (() => void)[] = [];
  const clock: ProgressClock = {
    now: () => now,
    every: (_ms, tick) => {
      ticks.push(tick);
      return () => { ticks.splice(ticks.indexOf(tick), 1); };
    },
  };
  /** Moves time on by `ms`, one tick per second as the real ticker would. */
  const advance = (ms: number) => {
    for (let spent = 0; spent < ms; spent += 1000) {
      now += Math.min(1000, ms - spent);
      for (const tick of [...ticks]) tick();
    }
  };
  return { clock, advance, ticking: () => ticks.length > 0 };
}

function capture(mode: ProgressMode) {
  const hand = handClock();
  let text = '';
  const view = createProgressView({ write: (chunk: string) => { text += chunk; } }, { mode, clock: hand.clock });
  return { view, hand, text: () => text, lines: () => text.split('\n').filter(Boolean) };
}

/** A tiny real process printing a progress bar the way mksquashfs does (`\r`-redrawn, `N/M P%`). */
const FAKE_SQUASHER = `
for (const [n, p] of [[1, 25], [2, 50], [2, 50], [3, 75], [4, 100]]) {
  process.stdout.write('\\r[' + '='.repeat(n) + ' ] ' + n + '/4 ' + p + '%');
}
process.stdout.write('\\n');`;

test('with --json, a child tool\'s percentage reaches stderr as JSON lines, then the step\'s time and a summary with sizes', async () => {
  const { view, hand, lines } = capture('json');
  const steps = new StepReporter(view.sink, 2);
  steps.step('make squashfs.img (zstd)');
  await run([process.execPath, '-e', FAKE_SQUASHER], { timeoutMs: 60_000, onStdout: percentRelay(view.sink, 'make squashfs.img (zstd)') });
  hand.advance(7000);
  steps.size('squashfs.img', 3 * 1048576);
  steps.step('publish squashfs.img');
  hand.advance(1000);
  view.finish('done');

  const records = lines().map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(records.map((r) => r.type),
    ['step', 'progress', 'progress', 'heartbeat', 'size', 'stepDone', 'step', 'stepDone', 'summary']);
  const progress = records.filter((r) => r.type === 'progress');
  // The first percentage, then (thinned to one a second, no time passed) the final one: never a flood.
  assert.deepEqual(progress.map((r) => [r.done, r.total, r.unit]), [[25, 100, 'percent'], [100, 100, 'percent']]);
  assert.equal(records[3]?.step, 'make squashfs.img (zstd)', 'the heartbeat names the step still running');
  assert.equal(records[5]?.stepElapsedMs, 7000);
  assert.deepEqual(records.at(-1), { type: 'summary', outcome: 'done', totalMs: 8000, sizes: [{ label: 'squashfs.img', bytes: 3145728 }], elapsedMs: 8000 });
  assert.equal(hand.ticking(), false, 'the heartbeat stops with the command');
});

test('with --json, a step never stays silent 5 s: a heartbeat comes within every 5 s of silence', () => {
  const { view, hand, lines } = capture('json');
  view.sink({ type: 'step', step: 'dracut for vmlinuz-6.1.0', index: 1, total: 1 });
  hand.advance(30_000);
  const times = lines().map((line) => (JSON.parse(line) as { elapsedMs: number }).elapsedMs);
  assert.equal(times.length, 7);
  for (let i = 1; i < times.length; i += 1) assert.ok((times[i] ?? 0) - (times[i - 1] ?? 0) <= 5000, `gap before line ${i}: ${times.join(', ')}`);
});

test('without a terminal, status lines come at most every 10 s, and say the amount, the elapsed time and an estimate', () => {
  const { view, hand, lines } = capture('plain');
  view.sink({ type: 'step', step: 'copy 60 node trees', index: 1, total: 1 });
  for (let done = 1; done <= 30; done += 1) {
    // One node a second; the ticker runs as time passes.
    view.sink({ type: 'progress', step: 'copy 60 node trees', done, total: 60, unit: 'nodes' });
    hand.advance(1000);
  }
  view.finish('done');
  assert.deepEqual(lines(), [
    '[1/1] copy 60 node trees',
    '  copy 60 node trees: 10/60 nodes, 10s elapsed, about 50s left',
    '  copy 60 node trees: 20/60 nodes, 20s elapsed, about 40s left',
    '  copy 60 node trees: 30/60 nodes, 30s elapsed, about 30s left',
    '  copy 60 node trees: done in 30s',
    'finished in 30s',
  ]);
});

test('without a terminal, a silent step still gets a status line every 10 s, naming what the child tool is doing; a failure adds no line', () => {
  const { view, hand, lines } = capture('plain');
  view.sink({ type: 'step', step: 'dracut for vmlinuz-6.1.0', index: 1, total: 1 });
  view.sink({ type: 'detail', message: 'dracut: Including module: nfs' });
  hand.advance(25_000);
  view.finish('failed');
  assert.deepEqual(lines(), [
    '[1/1] dracut for vmlinuz-6.1.0',
    '  dracut for vmlinuz-6.1.0: 10s elapsed (dracut: Including module: nfs)',
    '  dracut for vmlinuz-6.1.0: 20s elapsed (dracut: Including module: nfs)',
  ]);
});

test('a step that fails at once prints no "failed in" or "done in" line: the error line that follows is the only one about it', () => {
  const { view, hand, lines } = capture('plain');
  view.sink({ type: 'step', step: 'pull the source image', index: 1, total: 5 });
  hand.advance(3000);
  view.finish('failed');
  assert.deepEqual(lines(), ['[1/5] pull the source image']);
  const json = capture('json');
  json.view.sink({ type: 'step', step: 'pull the source image', index: 1, total: 5 });
  json.view.finish('failed');
  assert.ok(json.lines().some((text) => text.includes('"outcome":"failed"')), 'the JSON stream still ends with its summary');
});

test('short commands print no summary, and a quick step says no duration', () => {
  const quiet = capture('plain');
  quiet.view.sink({ type: 'log', level: 'info', message: 'nothing long here' });
  quiet.view.finish('done');
  assert.deepEqual(quiet.lines(), ['nothing long here']);

  const quick = capture('plain');
  quick.view.sink({ type: 'step', step: 'write boot.ipxe', index: 1, total: 1 });
  quick.hand.advance(1000);
  quick.view.finish('done');
  assert.deepEqual(quick.lines(), ['[1/1] write boot.ipxe', 'finished in 1s']);
});

test('the mode follows --json first, then whether stderr is a terminal', () => {
  assert.equal(progressMode({ json: true, tty: true }), 'json');
  assert.equal(progressMode({ json: false, tty: true }), 'terminal');
  assert.equal(progressMode({ json: false, tty: false }), 'plain');
});

test('on a terminal, the redrawn line shows a bar, the amount, the elapsed time and an estimate, then is cleared for the step\'s duration', () => {
  const hand = handClock();
  let text = '';
  const terminal = { isTTY: true, columns: 100, write: (chunk: string) => { text += chunk; return true; } };
  const view = createProgressView(terminal, { mode: 'terminal', clock: hand.clock });
  view.sink({ type: 'step', step: 'copy 6 node trees', index: 1, total: 1 });
  hand.advance(4000);
  view.sink({ type: 'progress', step: 'copy 6 node trees', done: 3, total: 6, unit: 'nodes' });
  view.sink({ type: 'log', level: 'warn', message: 'a log line goes above the bar' });
  hand.advance(4000);
  view.finish('done');
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '');
  assert.match(plain, /^\[1\/1\] copy 6 node trees\n/);
  assert.match(plain, / {2}\[=+-+\] copy 6 node trees: 3\/6 nodes, 4s elapsed, about 4s left/);
  assert.match(plain, /warning: a log line goes above the bar\n/);
  assert.match(plain, / {2}copy 6 node trees: done in 8s\nfinished in 8s\n$/);
});
