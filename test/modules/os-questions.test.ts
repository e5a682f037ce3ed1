import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OS_OPTIONS, osKeysFor } from '../../src/core/os/recipe-table.js';
import { askOsRecipe } from '../../src/modules/os-questions.js';
import { verifySha512Crypt } from '../../src/core/os/password.js';
import { ScriptedUi } from '../helpers/scripted-ui.js';
import { makeTempRoot } from '../helpers/temp-root.js';
import { addDummyKernel, makeBusyboxTree } from '../helpers/livenet-fixtures.js';

/** Options of the table a menu leaves to the command line, and why. */
const NOT_ASKED: Record<string, string> = {
  password_file: 'the password is asked hidden instead',
  password_stdin: 'the password is asked hidden instead',
  password: 'API only',
  ssh_pub_key: 'the key is asked as a file',
  repo: 'dnf repositories, their keys and --nogpgcheck are given on the command line or in a spec file',
  gpg_key: 'see repo',
  nogpgcheck: 'see repo',
  registry_auth: 'asked only after a docker:// source (next test)',
  tls_verify: 'asked only after a docker:// source (next test)',
};

test('the menus ask every OS option of the table (in its order) and answer with the keys a command line gives', async () => {
  const t = await makeTempRoot();
  try {
    const services = await t.services();
    await addDummyKernel(services.paths.kernelsDir);
    const tree = await makeBusyboxTree(t.root);
    const ui = new ScriptedUi([0, 2, `dir:${tree}`, '12', 'vim, tmux', 'pw', 'pw', '', true, true]);
    const answers = await askOsRecipe(ui, services);
    const expected = OS_OPTIONS.map((entry) => entry.key).filter((key) => !(key in NOT_ASKED));
    assert.deepEqual(Object.keys(answers), expected, 'asked in table order, nothing left out');
    for (const key of expected) assert.ok(osKeysFor('cli').includes(key), `${key} is a command-line option too`);
    assert.equal(answers.type, 'standard');
    assert.equal(answers.source, `dir:${tree}`);
    assert.equal(answers.release, '12');
    assert.equal(answers.packages, 'vim, tmux');
    assert.ok(verifySha512Crypt('pw', String(answers.password_hash)), 'only the hash of the password is kept');
    assert.equal(answers.ssh_key, undefined, 'an empty answer means none');
    assert.deepEqual([answers.selinux, answers.optimize], [true, true]);
  } finally {
    await t.cleanup();
  }
});

test('after a docker:// source the menu asks the registry auth file and TLS, keyed as the command line', async () => {
  const t = await makeTempRoot();
  try {
    const services = await t.services();
    await addDummyKernel(services.paths.kernelsDir);
    const ui = new ScriptedUi([0, 0, 'docker://127.0.0.1:5000/test/tiny:1', '', false, '', '', 'pw', 'pw', '', false, false]);
    const answers = await askOsRecipe(ui, services);
    assert.deepEqual(Object.keys(answers), OS_OPTIONS.map((entry) => entry.key).filter((key) => !(key in NOT_ASKED) || key.startsWith('registry_')
      || key === 'tls_verify'));
    assert.equal(answers.registry_auth, undefined, 'an empty answer means none');
    assert.equal(answers.tls_verify, false);
  } finally {
    await t.cleanup();
  }
});
