/**
 * The namespace harness of the peer-to-peer benchmark leaves nothing behind:
 * its bridge, namespaces and veth pairs are gone after a run that returns,
 * after one that throws, and what a killed earlier run left is removed by
 * the next one. Two real namespaces, a few bytes over a real bridge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { cleanLeftovers, namesOf, withHarness } from '../../bench/netns-harness.js';
import { run } from '../../src/system/runner.js';

// A /24 of its own, so the benchmark (10.77.0) can run at the same time.
const SUBNET = '10.78.0';
const BODY = 'a few bytes for two simulated nodes\n';

test('nodes reach a server on the host through the bridge, their bytes are counted, and the harness removes everything when done', async () => {
  const server = createServer((_request, response) => response.end(BODY));
  try {
    let seenInside: string[] = [];
    await withHarness({ count: 2, subnet: SUBNET }, async (harness) => {
      server.listen(0, harness.hostAddress);
      await once(server, 'listening');
      const { port } = server.address() as { port: number };
      seenInside = await namesOf(process.pid);
      const before = await harness.counters();
      for (const node of harness.nodes) {
        const answer = await harness.exec(node, ['curl', '--fail', '--silent', `http://${harness.hostAddress}:${port}/`], { timeoutMs: 30_000 });
        assert.equal(answer.stdout, BODY, `node ${node.index} fetched the file from the host`);
      }
      const after = await harness.counters();
      assert.ok(after.hostSent - before.hostSent >= 2 * BODY.length, 'what the host sent is counted');
      for (const [index, bytes] of after.nodeReceived.entries()) {
        assert.ok(bytes - (before.nodeReceived[index] ?? 0) >= BODY.length, `what node ${index} received is counted`);
      }
    });
    assert.ok(seenInside.length >= 5, `bridge, 2 namespaces and 2 veth ends existed during the run: ${seenInside.join(' ')}`);
    assert.deepEqual(await namesOf(process.pid), [], 'nothing is left once the run returned');
  } finally {
    server.close();
  }
});

test('a run that throws leaves nothing either', async () => {
  await assert.rejects(withHarness({ count: 1, subnet: SUBNET }, async () => { throw new Error('the benchmark failed'); }), /the benchmark failed/);
  assert.deepEqual(await namesOf(process.pid), []);
});

test('what a killed earlier run left (its pid gone) is removed, and a live run\'s names are not touched', async () => {
  // No process can have this pid (above the kernel's largest pid_max), like a run killed long ago.
  const dead = 9_999_999;
  await run(['ip', 'netns', 'add', `dlb${dead}n0`], { timeoutMs: 20_000 });
  await run(['ip', 'link', 'add', `dlb${dead}br`, 'type', 'bridge'], { timeoutMs: 20_000 });
  const removed = await cleanLeftovers();
  assert.deepEqual(removed.sort(), [`dlb${dead}br`, `dlb${dead}n0`].sort(), 'the dead run\'s names are removed');
  assert.deepEqual(await namesOf(dead), []);
  await withHarness({ count: 1, subnet: SUBNET }, async () => {
    await cleanLeftovers();
    assert.equal((await namesOf(process.pid)).length, 3, 'the live run\'s bridge, namespace and veth end stay');
  });
});
