import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireKnownKeys } from '../../src/core/raw-options.js';
import { readSpecFile } from '../../src/core/os/spec-file.js';
import { requireOsKeys } from '../../src/core/os/recipe.js';
import { parseDemoOptions } from '../../src/modules/demo/demo-image.js';
import { makeTempRoot } from '../helpers/temp-root.js';

const unknown = (key: string) => (error: unknown) => (error as { code?: string }).code === 'E_UNKNOWN_OPTION'
  && (error as Error).message.includes(JSON.stringify(key));

test('__proto__, constructor and prototype are unknown option keys, as JSON and YAML give them', () => {
  for (const key of ['__proto__', 'constructor', 'prototype']) {
    const raw = JSON.parse(`{"message":"hi",${JSON.stringify(key)}:{"crash":true}}`) as Record<string, unknown>;
    assert.throws(() => requireKnownKeys(raw, ['message'], 'the options'), unknown(key), key);
    // The API hands the body's options to the class: the demo image refuses them too.
    assert.throws(() => parseDemoOptions(raw), unknown(key), key);
  }
  assert.deepEqual(parseDemoOptions({ message: 'hi' }), { message: 'hi', delay: undefined, crash: false });
});

test('a spec file with a __proto__ key is refused, not silently merged into the prototype', async () => {
  const root = await makeTempRoot();
  try {
    const file = join(root.root, 'spec.yml');
    await writeFile(file, 'type: core\n__proto__:\n  polluted: 1\n');
    const check = async () => requireOsKeys(await readSpecFile(file), { origin: 'cli', moduleKeys: ['size'], where: file });
    await assert.rejects(check(), unknown('__proto__'));
    await writeFile(file, 'type: core\nconstructor: 1\n');
    await assert.rejects(check(), unknown('constructor'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  } finally {
    await root.cleanup();
  }
});
