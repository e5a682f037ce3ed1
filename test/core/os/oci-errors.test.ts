import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pullFailure } from '../../../src/core/os/oci-errors.js';
import { parseOciSource } from '../../../src/core/os/oci-reference.js';
import { DisklessError } from '../../../src/errors/index.js';

const source = parseOciSource('docker://registry.example:5000/team/os:1');
const refused = new Error('time="x" level=fatal msg="reading manifest 1 in registry.example:5000/team/os: unauthorized: authentication required"');

test('a login refused while an auth file was given says the registry refused those credentials, not "not found"', () => {
  const error = pullFailure(refused, source, 'inspect', true);
  assert.ok(error instanceof DisklessError);
  assert.equal(error.code, 'E_REGISTRY_AUTH');
  assert.match(error.message, /refused the credentials of the --registry-auth file .*unauthorized/);
});

test('the same answer without an auth file still points to --registry-auth', () => {
  const error = pullFailure(refused, source, 'inspect', false);
  assert.ok(error instanceof DisklessError);
  assert.equal(error.code, 'E_OCI_NOT_FOUND');
  assert.match(error.hint ?? '', /--registry-auth FILE/);
});
