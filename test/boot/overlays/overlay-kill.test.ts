import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { OVERLAY_CLI, overlayCli, overlayCliProcess, overlayServices } from '../../helpers/overlay-renderer.js';
import { processesUnder, runKilled, seededRandom } from '../../helpers/kill-check.js';
import { nodeScriptPath, overlayArchivePath, overlayGenerationsDir, overlayIntentFile, overlaysDir } from '../../../src/boot/boot-paths.js';
import { readManifest } from '../../../src/boot/overlays/overlay-state.js';
import type { Paths } from '../../../src/core/paths.js';

const NODES = 300;
const names = Array.from({ length: NODES }, (_, index) => `n${String(index + 1).padStart(3, '0')}`);

async function archiveBytes(paths: Paths): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const node of names) {
    const file = overlayArchivePath(paths, node);
    if (existsSync(file)) found.set(node, (await readFile(file)).toString('base64'));
  }
  return found;
}

test('a kill during overlay build leaves every served archive whole (old or new), and the next command completes the build', async () => {
  const random = seededRandom(Number(process.env.KILL_SEED ?? 14));
  const root = await makeTempRoot();
  try {
    const services = await overlayServices(root.root);
    const paths = services.paths;
    await services.images.create('DemoImage', 'alpha', { message: 'hello' });
    const added = await overlayCli(root.root, ['node', 'add', `n[001-${NODES}]`, '--image', 'alpha', '--var', 'round=0']);
    assert.equal(added.exitCode, 0, added.stderr);
    for (let round = 1; round <= 3; round += 1) {
      const old = await archiveBytes(paths);
      assert.equal(old.size, NODES);
      // Changed by hand (no command ran to follow it): every archive is now out of date.
      const text = await readFile(paths.inventoryFile, 'utf8');
      const edited = text.replace(/(round: )(['"]?)\d+\2/g, `$1$2${round}$2`);
      assert.notEqual(edited, text, 'the hand edit changed the round');
      await writeFile(paths.inventoryFile, edited);
      const delay = 150 + Math.floor(random() * 900);
      await runKilled(root.root, ['overlay', 'build'], delay, OVERLAY_CLI);
      const afterKill = await archiveBytes(paths);
      assert.equal(afterKill.size, NODES, `round ${round} (kill after ${delay} ms): no archive was lost`);
      const next = await overlayCliProcess(root.root, ['boot', 'list']);
      assert.equal(next.exitCode, 0, next.stderr);
      const repaired = await archiveBytes(paths);
      for (const node of names) {
        const now = afterKill.get(node) as string;
        assert.ok(now === old.get(node) || now === repaired.get(node), `round ${round}: ${node}'s archive is the old or the new one, never a part`);
        const text = gunzipSync(Buffer.from(repaired.get(node) as string, 'base64')).toString('latin1');
        assert.ok(text.includes(`{"round":"${round}"}`), `round ${round}: ${node} rebuilt by the repair`);
      }
      const manifest = await readManifest(paths);
      assert.equal(Object.keys(manifest.nodes).length, NODES);
      assert.equal(existsSync(overlayIntentFile(paths)), false, 'no intent left');
      assert.deepEqual((await readdir(overlaysDir(paths))).filter((name) => name.startsWith('.')), [], 'no temporary archive left');
      const generations = await readdir(overlayGenerationsDir(paths));
      assert.ok(generations.length <= 2 && generations.every((name) => /^\d+$/.test(name)), `round ${round}: the served generation and the one before, no unfinished one: ${generations.join(' ')}`);
      assert.match(await readFile(nodeScriptPath(paths, 'n001'), 'utf8'), /set diskless-overlay /);
      assert.deepEqual(await processesUnder(root.root), []);
    }
  } finally {
    await root.cleanup();
  }
});
