import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ANY_COMMANDS, assertConsistent, runKilled, seededRandom } from '../../helpers/kill-check.js';
import { entries, golden, rootWithStaging } from '../../helpers/nfs-trees.js';

test('nfs nodes add killed at 20 random moments: no copy keeps running, no temp file or lock stays, and the next node command agrees with the trees', async (context) => {
  const { temp, services } = await rootWithStaging();
  try {
    // A bigger tree makes each copy last long enough to be killed in the middle of one.
    await writeFile(join(services.paths.stagingDir, 'stage1', 'usr/bin/big.bin'), Buffer.alloc(8 * 1024 * 1024, 1));
    await services.images.create('NfsGoldenImage', 'gold', { from: 'stage1' });
    const random = seededRandom(1_0_9);
    let partialSeen = 0;
    for (let kill = 0; kill < 20; kill += 1) {
      const delay = Math.floor(random() * 3000);
      // Every third round starts from fewer nodes, so additions always have copies to make.
      if (kill % 3 === 0) assert.equal((await temp.cli(['nfs', 'nodes', 'remove', 'gold', 'n[1-12]', '--yes'])).exitCode, 0);
      await runKilled(temp.root, ['nfs', 'nodes', 'add', 'gold', 'n[1-12]', '--jobs', '2'], delay);
      const next = ANY_COMMANDS[Math.floor(random() * ANY_COMMANDS.length)] as string[];
      const answer = await temp.cli(next);
      assert.equal(answer.exitCode, 0, `${next.join(' ')} after a kill at ${delay} ms: ${answer.stderr}`);
      const image = await golden(services, 'gold');
      if ((await entries(image.nodesDir)).some((n) => n.endsWith('.partial'))) partialSeen += 1;
      await assertConsistent(temp.root, services.paths, `kill ${kill} at ${delay} ms, then ${next.join(' ')}`);

      const listed = await temp.cli(['nfs', 'nodes', 'list', 'gold', '--json']);
      assert.equal(listed.exitCode, 0, listed.stderr);
      const trees = (await entries(image.nodesDir)).filter((n) => !n.startsWith('.'));
      assert.deepEqual((await entries(image.nodesDir)).filter((n) => n.startsWith('.')), [], 'no partial or half-deleted tree after a node command');
      const reloaded = await golden(services, 'gold');
      assert.deepEqual([...reloaded.nodes].sort(), trees, `kill ${kill}: the list names exactly the complete trees`);
    }
    context.diagnostic(`${partialSeen} of 20 kills left a partial copy for the next node command to drop`);
  } finally {
    await temp.cleanup();
  }
});
