/**
 * `server_address` of diskless.yml: one host name or IP address. It is the
 * host of the derived tracker URL written into every torrent, so a port in
 * it (`10.0.0.1:80`) is refused instead of giving `http://10.0.0.1:80:6969/announce`;
 * IPv6 addresses are taken, `::1` included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/core/config.js';
import { shareSources } from '../../src/core/image/share-sources.js';
import { UsageError } from '../../src/errors/index.js';

const FILE = 'diskless.yml';

test('server_address with a port, or with colons that make no IPv6 address, is refused naming the key and the form', () => {
  for (const value of ['10.0.0.1:80', 'boot:8080', 'a:b', 'fe80::1%eth0', 'host.', '-host', 'a..b']) {
    assert.throws(() => parseConfig({ server_address: value }, FILE), (error: unknown) => {
      assert.ok(error instanceof UsageError, String(error));
      assert.equal(error.code, 'E_CONFIG_INVALID');
      assert.match(error.message, /"server_address" must be a host name or an IP address, without a port/);
      return true;
    }, value);
  }
});

test('server_address takes host names and IPv4 and IPv6 addresses; the derived tracker URL is a URL whose host is that address', () => {
  for (const [value, host] of [['10.0.0.1', '10.0.0.1'], ['boot-1.cluster.example', 'boot-1.cluster.example'], ['::1', '[::1]'], ['fd00::1', '[fd00::1]']]) {
    const config = parseConfig({ server_address: value }, FILE);
    assert.equal(config.serverAddress, value);
    const [tracker] = shareSources(config).trackers;
    assert.ok(tracker !== undefined);
    const url = new URL(tracker);
    assert.equal(url.host, `${host}:6969`, tracker);
    assert.equal(url.pathname, '/announce');
  }
});
