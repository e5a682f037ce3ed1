import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { withInventory } from '../../helpers/inventory.js';
import { cacheFileOf } from '../../../src/core/nodes/inventory-cache.js';

/** Rewrites the body (second line) of the inventory cache of `file` with `edit`, leaving its first line (hashes) as it was. */
interface Body { written?: boolean; nodes: Record<string, unknown> }

async function editCacheBody(file: string, edit: (body: Body) => void): Promise<void> {
  const text = await readFile(cacheFileOf(file), 'utf8');
  const end = text.indexOf('\n');
  const body = JSON.parse(text.slice(end + 1)) as Body;
  edit(body);
  await writeFile(cacheFileOf(file), `${text.slice(0, end)}\n${JSON.stringify(body)}`);
}

test('a cache edited by hand is not used: nodes.yml stays the truth, and a change to another node writes what nodes.yml says', async () => {
  await withInventory(async (inventory, file) => {
    await inventory.addNodes('c[1-3]', { vars: { rack: 'a' } });
    await editCacheBody(file, (body) => { body.nodes.c2 = { ip: 'not-an-ip', overlays: ['../../../etc'], vars: { rack: 'z' } }; });
    assert.deepEqual((await inventory.read()).nodes.c2, { vars: { rack: 'a' } }, 'read from nodes.yml, not from the edited copy');
    await editCacheBody(file, (body) => { body.nodes.c2 = { ip: 'not-an-ip', vars: { rack: 'z' } }; });
    await inventory.changeNodes('c3', { vars: { rack: 'b' } });
    assert.deepEqual((await inventory.read()).nodes.c2, { vars: { rack: 'a' } });
    assert.doesNotMatch(await readFile(file, 'utf8'), /not-an-ip|rack: z/u);
    assert.doesNotMatch(await readFile(cacheFileOf(file), 'utf8'), /not-an-ip/u, 'the next copy is made from nodes.yml');
  });
});

test('the mark saying the tool wrote nodes.yml cannot be set by hand: a hand edit is still written again from its values', async () => {
  await withInventory(async (inventory, file) => {
    await inventory.addNodes('c[1-3]', {});
    await writeFile(file, (await readFile(file, 'utf8')).replace('  c2: {}\n', '  c2: {} # spare\n'));
    await inventory.read();
    await editCacheBody(file, (body) => { body.written = true; });
    await inventory.changeNodes('c3', { vars: { rack: 'b' } });
    assert.doesNotMatch(await readFile(file, 'utf8'), /# spare/u);
  });
});
