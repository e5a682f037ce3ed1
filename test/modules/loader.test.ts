import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeTempRoot, REPO_ROOT } from '../helpers/temp-root.js';

const contractUrl = pathToFileURL(join(REPO_ROOT, 'dist/src/modules/contract.js')).href;

const HELLO_MODULE = `
import { MODULE_API_VERSION } from '${contractUrl}';
class HelloImage {
  constructor(context, data) { this.context = context; this.data = data; }
  get name() { return this.data.name; }
  get imageDirectory() { return this.context.paths.imageDir(this.data.name); }
  get usesKernel() { return false; }
  bootFile() { return undefined; }
  async writeBootFile() {}
  async save() {
    const { saveImageData } = await import('${pathToFileURL(join(REPO_ROOT, 'dist/src/core/image/image-data.js')).href}');
    await saveImageData(this.imageDirectory + '/image_data.yml', this.data);
  }
}
export default {
  name: 'hello', apiVersion: MODULE_API_VERSION, description: 'third-party test module',
  imageClasses: [{
    className: 'HelloImage',
    load: (context, data) => new HelloImage(context, data),
    create: async (context, journal, name, options) => new HelloImage(context, { name, image_class: 'HelloImage', greeting: options.greeting }),
    clean: async () => {},
  }],
  commands: [{ path: ['create'], summary: 'create a hello image', args: [{ name: 'NAME', required: true }],
    run: async ({ services }, { args }) => { await services.images.create('HelloImage', args.NAME, { greeting: 'hi' }); return { text: 'ok' }; } }],
};
`;

test('a module dropped into the extra folder is found and usable; broken ones are reported and skipped', async () => {
  const t = await makeTempRoot();
  try {
    const modulesDir = join(t.root, 'etc/diskless/modules');
    await mkdir(join(modulesDir, 'hello'), { recursive: true });
    await writeFile(join(modulesDir, 'hello', 'index.mjs'), HELLO_MODULE);
    await writeFile(join(modulesDir, 'syntax.mjs'), 'export default {{{');
    await writeFile(join(modulesDir, 'wrongapi.mjs'), "export default { name: 'wrong', apiVersion: 99, description: 'x', imageClasses: [] };");
    await writeFile(join(modulesDir, 'clash.mjs'), "export default { name: 'demo', apiVersion: 1, description: 'x', imageClasses: [] };");

    const listed = await t.cli(['module', 'list', '--json']);
    assert.equal(listed.exitCode, 0, listed.stderr);
    const modules = JSON.parse(listed.stdout) as { name?: string; status: string; source: string; error?: string; builtin: boolean }[];
    assert.ok(modules.some((m) => m.name === 'demo' && m.status === 'ok' && m.builtin));
    assert.ok(modules.some((m) => m.name === 'hello' && m.status === 'ok' && !m.builtin));
    const broken = modules.filter((m) => m.status === 'broken');
    assert.equal(broken.length, 3);
    assert.ok(broken.some((m) => m.source.endsWith('syntax.mjs') && /cannot load/.test(m.error ?? '')));
    assert.ok(broken.some((m) => m.source.endsWith('wrongapi.mjs') && /apiVersion/.test(m.error ?? '')));
    assert.ok(broken.some((m) => m.source.endsWith('clash.mjs') && /already taken/.test(m.error ?? '')));

    const created = await t.cli(['hello', 'create', 'h1']);
    assert.equal(created.exitCode, 0, created.stderr);
    const images = JSON.parse((await t.cli(['image', 'list', '--json'])).stdout) as { name: string; imageClass: string }[];
    assert.deepEqual(images.map((i) => [i.name, i.imageClass]), [['h1', 'HelloImage']]);
    // The demo module still works alongside.
    assert.equal((await t.cli(['demo', 'create', 'd1', '--message', 'x'])).exitCode, 0);
  } finally {
    await t.cleanup();
  }
});

test('an image whose module is not installed is still listed with its attributes', async () => {
  const t = await makeTempRoot();
  try {
    const { paths } = await t.services();
    await mkdir(paths.imageDir('alien'), { recursive: true });
    await writeFile(join(paths.imageDir('alien'), 'image_data.yml'), 'image_data:\n  name: alien\n  image_class: MarsImage\n  colour: red\n');
    const images = JSON.parse((await t.cli(['image', 'list', '--json'])).stdout) as Record<string, unknown>[];
    assert.equal(images[0]?.status, 'CREATED');
    assert.equal(images[0]?.moduleInstalled, false);
    assert.equal((images[0]?.attributes as Record<string, unknown>).colour, 'red');
  } finally {
    await t.cleanup();
  }
});
