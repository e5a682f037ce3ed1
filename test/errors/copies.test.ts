/**
 * The bundled CLI carries its own copy of the error classes, and a module
 * from the extra modules folder that imports the library gets the compiled
 * one: an error thrown by either copy is still known to the other (exit
 * code 2 for a usage error, not "unexpected error").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, DisklessError, UsageError } from '../../src/errors/index.js';

test('an error of another copy of the error classes is an instance of the same classes, and of no other', async () => {
  // A query string makes Node load the same file again as a separate module: a second copy of every class.
  const copy = (await import(`${new URL('../../src/errors/index.js', import.meta.url).href}?copy`)) as typeof import('../../src/errors/index.js');
  assert.notEqual(copy.UsageError, UsageError);
  const foreign = new copy.UsageError('E_USAGE', 'bad', 'fix it');
  assert.ok(foreign instanceof DisklessError);
  assert.ok(foreign instanceof UsageError);
  assert.ok(!(foreign instanceof ConflictError));
  const ours = new ConflictError('E_X', 'busy');
  assert.ok(ours instanceof copy.DisklessError);
  assert.ok(ours instanceof copy.ConflictError);
  assert.ok(!(ours instanceof copy.UsageError));
  // A plain error, or one merely named like ours, is not one of ours.
  assert.ok(!(new Error('x') instanceof DisklessError));
  class UsageErrorLookalike extends Error {}
  Object.defineProperty(UsageErrorLookalike, 'name', { value: 'UsageError' });
  assert.ok(!(new UsageErrorLookalike('x') instanceof UsageError));
});
