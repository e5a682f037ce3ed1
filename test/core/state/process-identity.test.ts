import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { pidExists } from '../../../src/core/state/process-identity.js';

test('a process that exited but is not reaped yet (a zombie: a killed lock holder under a slow init) counts as gone; a live one as alive', async () => {
  // `sh` starts a short child, prints its pid, then becomes `sleep 30`, which never reaps it: the child stays a zombie.
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const [chunk] = await once(parent.stdout, 'data') as [Buffer];
    const zombie = Number(chunk.toString().trim());
    let state = '';
    for (let i = 0; i < 100 && state !== 'Z'; i += 1) {
      const stat = await readFile(`/proc/${zombie}/stat`, 'utf8');
      state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z') await sleep(20);
    }
    assert.equal(state, 'Z', 'the child became a zombie');
    assert.equal(pidExists(zombie), false);
    assert.equal(pidExists(parent.pid as number), true);
    assert.equal(pidExists(process.pid), true);
  } finally {
    parent.kill('SIGKILL');
  }
});
