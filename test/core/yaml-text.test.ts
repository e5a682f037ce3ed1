import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseYamlText, stringifyYaml } from '../../src/core/yaml-text.js';
import { parseImageData } from '../../src/core/image/image-data.js';
import { Paths } from '../../src/core/paths.js';
import { readSpecFile } from '../../src/core/os/spec-file.js';
import { makeTempRoot } from '../helpers/temp-root.js';

test('an unresolved YAML tag is a bad value: one-line error, no warning printed', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.message);
  process.on('warning', onWarning);
  const root = await makeTempRoot();
  try {
    assert.throws(() => parseYamlText('type: !!foo core\n'), (error: Error) => /Unresolved tag/.test(error.message) && !error.message.includes('\n'));
    assert.deepEqual(parseYamlText('a: !!str 1\n'), { a: '1' });
    assert.throws(() => parseImageData('image_data:\n  name: x\n  image_class: !!foo DemoImage\n', 'image_data.yml'),
      (error: Error & { code?: string }) => error.code === 'E_IMAGE_DATA_INVALID' && !error.message.includes('\n'));
    const spec = join(root.root, 'spec.yml');
    await writeFile(spec, 'type: !!foo core\n');
    await assert.rejects(readSpecFile(spec), (error: Error & { code?: string }) => error.code === 'E_SPEC_INVALID' && !error.message.includes('\n'));
    // The whole CLI: a tagged config value gives the config's one-line error, nothing else on stderr.
    const config = Paths.configFile(root.root);
    await mkdir(dirname(config), { recursive: true });
    await writeFile(config, 'paths: !!foo {}\n');
    const result = await root.cli(['image', 'list']);
    assert.equal(result.exitCode, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.ok(!result.stderr.includes('YAMLWarning'), result.stderr);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(warnings, []);
  } finally {
    process.off('warning', onWarning);
    await root.cleanup();
  }
});

test('blank text is an empty document and what is written reads back the same', () => {
  // A blank installations.yml (what the tool leaves when no build runs) means no entries, as for the YAML parser.
  for (const blank of ['', '\n', '  \n\t\n']) assert.equal(parseYamlText(blank), null);
  assert.equal(parseYamlText('# only a comment\n'), null);
  const value = { image_data: { name: 'gold', livenet_size: 5120, additional_packages: ['vim', 'htop'], selinux: false } };
  assert.deepEqual(parseYamlText(stringifyYaml(value)), value);
});
