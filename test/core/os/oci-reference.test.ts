import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatOciSource, parseOciSource, pinnedDockerName } from '../../../src/core/os/oci-reference.js';
import { formatSource, parseSource } from '../../../src/core/os/sources.js';
import { parseOsOptions } from '../../../src/core/os/recipe.js';
import { DisklessError } from '../../../src/errors/index.js';
import { makeTempRoot } from '../../helpers/temp-root.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

test('every transport parses into an oci source and prints back as given', () => {
  const cases: [string, { transport: string; reference: string; path?: string }][] = [
    ['docker://127.0.0.1:5000/test/tiny:1', { transport: 'docker', reference: '127.0.0.1:5000/test/tiny:1' }],
    ['docker://registry.example.org/hpc/el9-compute:9.3-2', { transport: 'docker', reference: 'registry.example.org/hpc/el9-compute:9.3-2' }],
    [`docker://quay.io/rocky/rocky@${DIGEST}`, { transport: 'docker', reference: `quay.io/rocky/rocky@${DIGEST}` }],
    ['docker://debian:12', { transport: 'docker', reference: 'debian:12' }],
    ['oci-archive:/srv/images/el9.tar', { transport: 'oci-archive', reference: '/srv/images/el9.tar', path: '/srv/images/el9.tar' }],
    ['docker-archive:/srv/images/el9.tar', { transport: 'docker-archive', reference: '/srv/images/el9.tar', path: '/srv/images/el9.tar' }],
    ['oci:/srv/layouts/el9:9.3', { transport: 'oci', reference: '/srv/layouts/el9:9.3', path: '/srv/layouts/el9' }],
    ['oci:/srv/layouts/el9', { transport: 'oci', reference: '/srv/layouts/el9', path: '/srv/layouts/el9' }],
  ];
  for (const [text, expected] of cases) {
    const source = parseSource(text);
    assert.deepEqual(source, { kind: 'oci', ...expected }, text);
    assert.equal(formatSource(source), text);
  }
});

test('bad references are refused with one usage error naming the fix, before any work', () => {
  const cases: [string, RegExp][] = [
    ['docker://127.0.0.1:5000/test/tiny', /no tag or digest.*:latest/],
    ['docker://Registry/UPPER/case:1', /not a registry reference/],
    ['docker://-flag:1', /nothing usable/],
    ['docker://host/repo:1 --insecure', /spaces or control characters/],
    ['docker://host/repo:1\n', /spaces or control characters/],
    ['docker://host/repo@sha256:abc', /not a registry reference/],
    ['docker://', /nothing usable/],
    ['oci-archive:relative/file.tar', /must be absolute/],
    ['oci-archive:-rf', /nothing usable/],
    ['docker-archive:/srv/a:b.tar', /must not hold ":"/],
    ['oci:/srv/layout:bad tag', /spaces or control/],
    ['oci:/srv/layout:-x', /invalid tag/],
    [`docker://h/r:${'x'.repeat(1100)}`, /longer than 1024|not a registry/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseOciSource(text), (error: unknown) => {
      assert.ok(error instanceof DisklessError, text);
      assert.equal(error.code, 'E_OCI_REFERENCE', text);
      assert.equal(error.kind, 'usage', text);
      assert.match(error.oneLine, message, text);
      assert.doesNotMatch(error.oneLine, /\n/);
      return true;
    });
  }
});

test('a registry reference is pinned to the digest that was inspected', () => {
  const digest = `sha256:${'b'.repeat(64)}`;
  assert.equal(pinnedDockerName(parseOciSource('docker://127.0.0.1:5000/test/tiny:1') as never, digest), `docker://127.0.0.1:5000/test/tiny@${digest}`);
  assert.equal(pinnedDockerName(parseOciSource(`docker://h/r@${DIGEST}`) as never, digest), `docker://h/r@${digest}`);
  assert.equal(formatOciSource(parseOciSource('docker://h:5000/r:latest') as never), 'docker://h:5000/r:latest');
});

test('registry settings are read from every door and refused for other sources', () => {
  const base = { kernel: 'vmlinuz-1', password_hash: '!' };
  const parsed = parseOsOptions({ ...base, source: 'docker://h/r:1', tls_verify: 'false', registry_auth: '/root/auth.json' }, { origin: 'cli' });
  assert.equal(parsed.input.tlsVerify, false);
  assert.equal(parsed.input.registryAuth, '/root/auth.json');
  assert.equal(parseOsOptions({ ...base, source: 'docker://h/r:1', tls_verify: false }, { origin: 'api' }).input.tlsVerify, false);
  assert.notEqual(parseOsOptions({ ...base, source: 'docker://h/r:1' }, { origin: 'api' }).input.tlsVerify, false, 'TLS is verified by default');
  assert.throws(() => parseOsOptions({ ...base, source: 'dir:/srv/tree', tls_verify: false }, { origin: 'cli' }), /tls_verify \(--tls-verify\) only applies to a docker:\/\/ source$/);
  assert.throws(() => parseOsOptions({ ...base, source: 'docker://h/r:1', tls_verify: 'maybe' }, { origin: 'cli' }), /tls_verify \(--tls-verify\) must be true or false, not "maybe"$/);
  // The API reads no file of the server, auth files included.
  assert.throws(() => parseOsOptions({ ...base, source: 'docker://h/r:1', registry_auth: '/root/auth.json' }, { origin: 'api' }),
    /registry_auth.*not accepted/);
});

test('a user name or password in a registry reference is refused with the credentials masked; a digest reference is no login', async () => {
  for (const spec of ['docker://user:s3cret@127.0.0.1:1/x/y:1', 'docker://user:s3cret@registry.example/x/y:1', 'docker://s3cret@host', 'docker://a:b@s3cret@host/x:1']) {
    assert.throws(() => parseOciSource(spec), (error: unknown) => error instanceof DisklessError && error.code === 'E_OCI_REFERENCE'
      && /no user name or password in a source reference/.test(error.message) && !error.message.includes('s3cret') && !error.message.includes('user:')
      && /--registry-auth FILE/.test(error.hint ?? ''), spec);
  }
  assert.equal(parseOciSource(`docker://busybox@sha256:${'a'.repeat(64)}`).reference, `busybox@sha256:${'a'.repeat(64)}`);
  const t = await makeTempRoot();
  try {
    const run = await t.cli(['livenet', 'create', 'x', '--source', 'docker://user:s3cret@127.0.0.1:1/x/y:1']);
    assert.equal(run.exitCode, 2, run.stderr);
    assert.ok(!run.stderr.includes('s3cret'), run.stderr);
    assert.match(run.stderr, /docker:\/\/\*\*\*@127\.0\.0\.1:1\/x\/y:1/);
  } finally {
    await t.cleanup();
  }
});
