import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import bencode from 'bencode';
import { startTracker } from '../../src/serve/tracker.js';

/** Percent-encodes every byte, as BitTorrent clients send the binary info hash and peer id. */
function binaryParam(bytes: Buffer): string {
  return [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
}

/** A plain HTTP GET announce, as aria2c sends it; resolves with the decoded answer. */
function announce(url: string, infoHash: Buffer, peerId: string, port: number): Promise<Record<string, unknown>> {
  const query = `info_hash=${binaryParam(infoHash)}&peer_id=${binaryParam(Buffer.from(peerId))}&port=${port}`
    + '&uploaded=0&downloaded=0&left=1048576&compact=1&event=started&numwant=50';
  return new Promise((resolve, reject) => {
    // No kept-alive socket: each announce is a new connection, as from a node.
    request(`${url}?${query}`, { agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        try {
          resolve(bencode.decode(Buffer.concat(chunks)) as Record<string, unknown>);
        } catch (error) {
          reject(error as Error);
        }
      });
    }).on('error', reject).end();
  });
}

/** Peers of a compact answer as `address:port`. */
function compactPeers(value: unknown): string[] {
  const bytes = Buffer.from(value as Uint8Array);
  return Array.from({ length: bytes.length / 6 }, (_, i) => `${[...bytes.subarray(i * 6, i * 6 + 4)].join('.')}:${bytes.readUInt16BE(i * 6 + 4)}`);
}

test('the tracker answers HTTP announces with the other peers of the same torrent, and stops', async () => {
  const tracker = await startTracker({ listen: '127.0.0.1', port: 0 });
  try {
    assert.match(tracker.announceUrl, /^http:\/\/127\.0\.0\.1:\d+\/announce$/);
    const infoHash = createHash('sha1').update('a root image').digest();
    await announce(tracker.announceUrl, infoHash, '-AR1000-000000000001', 7001);
    const second = await announce(tracker.announceUrl, infoHash, '-AR1000-000000000002', 7002);
    assert.ok(compactPeers(second.peers).includes('127.0.0.1:7001'), 'the second node learns of the first');
    assert.equal(second.incomplete, 2, 'two nodes are downloading');
    const other = await announce(tracker.announceUrl, createHash('sha1').update('another image').digest(), '-AR1000-000000000003', 7003);
    assert.deepEqual(compactPeers(other.peers).filter((peer) => peer !== '127.0.0.1:7003'), [], 'peers of another torrent are not mixed in');
  } finally {
    await tracker.close();
  }
  await assert.rejects(announce(tracker.announceUrl, Buffer.alloc(20), '-AR1000-000000000004', 7004), /ECONNREFUSED/, 'closed: the port is free again');
});

test('a tracker port in use is refused with its own code', async () => {
  const first = await startTracker({ listen: '127.0.0.1', port: 0 });
  try {
    const port = Number(new URL(first.announceUrl).port);
    await assert.rejects(startTracker({ listen: '127.0.0.1', port }), (error: Error & { code?: string }) =>
      error.code === 'E_TRACKER_PORT_IN_USE' && error.message.includes(`tracker port ${port}`));
  } finally {
    await first.close();
  }
});

test('an announce with a port no peer can have is refused, and the tracker goes on answering the others', async () => {
  const warnings: string[] = [];
  const tracker = await startTracker({ listen: '127.0.0.1', port: 0, warningLog: (line) => warnings.push(line) });
  try {
    const infoHash = createHash('sha1').update('a root image').digest();
    for (const [index, port] of [99999, 65536, -1, 1.5].entries()) {
      const answer = await announce(tracker.announceUrl, infoHash, `-AR1000-00000000010${index}`, port);
      assert.match(Buffer.from(answer['failure reason'] as Uint8Array).toString(), /port/, `port ${port}`);
    }
    // A compact answer listing such a peer would throw inside the tracker and end the whole serve process.
    const good = await announce(tracker.announceUrl, infoHash, '-AR1000-000000000201', 7001);
    const next = await announce(tracker.announceUrl, infoHash, '-AR1000-000000000202', 7002);
    assert.equal(good['failure reason'], undefined);
    assert.deepEqual(compactPeers(next.peers).filter((peer) => peer !== '127.0.0.1:7002'), ['127.0.0.1:7001'], 'only the real peer is handed out');
    assert.ok(warnings.some((line) => /port/.test(line)), 'the refusals are logged');
  } finally {
    await tracker.close();
  }
});
