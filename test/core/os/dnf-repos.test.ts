import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkLocalRepos, dnfRepos, parseRepoUrl } from '../../../src/core/os/dnf-repos.js';
import { parseOsOptions } from '../../../src/core/os/recipe.js';
import { recipeAttributes, recipeFromData } from '../../../src/core/os/recipe-data.js';
import { resolveOsRecipe } from '../../../src/core/os/recipe-prepare.js';
import { UsageError } from '../../../src/errors/index.js';

const code = (expected: string) => (error: unknown) => error instanceof UsageError && error.code === expected;

test('repository URLs: http, https, ftp and absolute file URLs, dnf variables kept; anything else is E_REPO', () => {
  for (const url of ['https://mirror.example/rocky/$releasever/BaseOS/$basearch/os/', 'http://10.0.0.1/el9', 'ftp://mirror/el9',
    'file:///srv/repos/el9']) {
    assert.equal(parseRepoUrl(url, 'repo'), url);
  }
  for (const bad of ['mirror/el9', 'gopher://mirror/', 'https://ops:secret@mirror/el9', 'file://server/srv', 'https://m/a b',
    'https://m/a,b', 'https://m/a\nb', 12]) {
    assert.throws(() => parseRepoUrl(bad, 'repo'), code('E_REPO'), String(bad));
  }
  // The credentials are not repeated in the message.
  assert.throws(() => parseRepoUrl('https://ops:secret@mirror/el9', 'repo'), (e: Error) => !e.message.includes('secret'));
});

test('repositories need a signature decision, and only go with the dnf source', () => {
  assert.equal(dnfRepos('dnf', [], [], false), undefined, 'no --repo: the host\'s repositories');
  assert.deepEqual(dnfRepos('dnf', ['file:///r'], ['file:///k'], false), { urls: ['file:///r'], gpgKeys: ['file:///k'], gpgcheck: true });
  assert.deepEqual(dnfRepos(undefined, ['file:///r'], [], true), { urls: ['file:///r'], gpgKeys: [], gpgcheck: false });
  assert.throws(() => dnfRepos('dnf', ['file:///r'], [], false), code('E_REPO'));
  assert.throws(() => dnfRepos('dnf', ['file:///r'], ['file:///k'], true), code('E_REPO'));
  assert.throws(() => dnfRepos('dnf', [], ['file:///k'], false), code('E_REPO'));
  assert.throws(() => dnfRepos('dnf', [], [], true), code('E_REPO'));
  assert.throws(() => dnfRepos('debootstrap', ['file:///r'], [], true), code('E_REPO'));
});

test('repositories from every door: repeated flags, spec-file lists, and the stored recipe a rebuild reads', async () => {
  const base = { kernel: 'vmlinuz-1', password_hash: '!', source: 'dnf', release: '9' };
  const { input } = parseOsOptions({ ...base, repo: ['https://a/el9', 'https://b/el9'], gpg_key: 'https://a/KEY' }, { origin: 'cli' });
  assert.deepEqual(input.repos, { urls: ['https://a/el9', 'https://b/el9'], gpgKeys: ['https://a/KEY'], gpgcheck: true });
  const spec = parseOsOptions({ ...base, repos: ['https://a/el9'], nogpgcheck: true }, { origin: 'api' }).input;
  assert.deepEqual(spec.repos, { urls: ['https://a/el9'], gpgKeys: [], gpgcheck: false });
  assert.equal(parseOsOptions(base, { origin: 'api' }).input.repos, undefined);
  assert.throws(() => parseOsOptions({ ...base, repo: 'https://a/el9' }, { origin: 'api' }), code('E_REPO'));
  for (const recipe of [await resolveOsRecipe(input), await resolveOsRecipe(spec)]) {
    const data = recipeAttributes(recipe, 'os_type');
    assert.deepEqual(await resolveOsRecipe(recipeFromData(data).input), recipe);
  }
  assert.equal(recipeAttributes(await resolveOsRecipe(parseOsOptions(base, { origin: 'api' }).input), 'os_type').dnf_repos, undefined,
    'images of the host\'s repositories keep no repository attributes');
});

test('local repositories must be repositories, and inside the allowed folders for the API', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'disklessset-repos-'));
  try {
    await mkdir(join(dir, 'allowed', '9', 'repodata'), { recursive: true });
    await writeFile(join(dir, 'allowed', '9', 'repodata', 'repomd.xml'), '<repomd/>');
    await writeFile(join(dir, 'allowed', 'KEY'), 'key');
    await mkdir(join(dir, 'other', 'repodata'), { recursive: true });
    await writeFile(join(dir, 'other', 'repodata', 'repomd.xml'), '<repomd/>');
    const allowed = pathToFileURL(join(dir, 'allowed')).href;
    const repos = { urls: [`${allowed}/$releasever`, 'https://mirror/el9'], gpgKeys: [`${allowed}/KEY`], gpgcheck: true };
    await checkLocalRepos(repos, '9');
    await checkLocalRepos(repos, '9', [join(dir, 'allowed')]);
    await assert.rejects(checkLocalRepos(repos, '8'), code('E_REPO'), '$releasever 8 names no repository');
    await assert.rejects(checkLocalRepos({ ...repos, gpgKeys: [`${allowed}/NOKEY`] }, '9'), code('E_REPO'));
    const other = { ...repos, urls: [pathToFileURL(join(dir, 'other')).href] };
    await checkLocalRepos(other, '9');
    await assert.rejects(checkLocalRepos(other, '9', [join(dir, 'allowed')]), code('E_API_PATH_NOT_ALLOWED'));
    await assert.rejects(checkLocalRepos({ ...repos, urls: [`${allowed}/$basearch`] }, '9', [join(dir, 'allowed')]),
      code('E_API_PATH_NOT_ALLOWED'), 'a variable the server cannot resolve is not read for the API');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
