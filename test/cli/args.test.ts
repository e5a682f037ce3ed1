/** Argument parsing: global options, command selection, a command's own options and arguments. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandInput, parseGlobal, selectCommand } from '../../src/cli/args.js';
import type { CommandSpec } from '../../src/cli/command.js';

const noop = async () => ({});
const kernelAdd: CommandSpec = {
  path: ['kernel', 'add'], summary: 'add', run: noop, args: [{ name: 'FILE', required: true }],
  options: [{ name: 'version', type: 'string', description: 'v' }, { name: 'initramfs', type: 'string', description: 'i' }],
};
const kernelList: CommandSpec = { path: ['kernel', 'list'], summary: 'list', run: noop };
const shell: CommandSpec = { path: ['livenet', 'shell'], summary: 'shell', run: noop, args: [{ name: 'NAME', required: true }], acceptsRest: true };
const nfsAdd: CommandSpec = {
  path: ['nfs', 'nodes', 'add'], summary: 'add', run: noop, args: [{ name: 'GOLDEN', required: true }, { name: 'NODESET', required: true }],
  options: [{ name: 'package', type: 'string', repeatable: true, description: 'p' }, { name: 'yes', short: 'y', type: 'boolean', description: 'y' }],
};
const commands = [kernelAdd, kernelList, shell, nfsAdd];

function usageError(code = 'E_USAGE') {
  return (error: unknown) => (error as { code?: string; kind?: string }).code === code && (error as { kind?: string }).kind === 'usage';
}

test('global options are taken anywhere; --version only before the command words', () => {
  const { global, words } = parseGlobal(['--root=/srv/r', 'kernel', '--json', 'add', 'F', '--version', '6.1', '-y']);
  assert.equal(global.root, '/srv/r');
  assert.equal(global.json, true);
  assert.equal(global.yes, true);
  assert.equal(global.version, false);
  assert.deepEqual(words, ['kernel', 'add', 'F', '--version', '6.1']);
  assert.equal(parseGlobal(['--version']).global.version, true);
  assert.throws(() => parseGlobal(['--root']), usageError());
});

test('the longest matching command path wins, and its remaining words are parsed by its specs', () => {
  const { command, remaining } = selectCommand(commands, ['kernel', 'add', '/boot/vmlinuz-6.1', '--version', '6.1']);
  assert.equal(command, kernelAdd);
  const input = parseCommandInput(kernelAdd, remaining);
  assert.deepEqual(input.args, { FILE: '/boot/vmlinuz-6.1' });
  assert.deepEqual(input.options, { version: '6.1' });
  assert.equal(selectCommand(commands, ['kernel']).command, undefined);
});

test('repeatable options collect, inline values and short flags work, everything after -- is kept for commands that accept it', () => {
  const input = parseCommandInput(nfsAdd, ['gold', 'n[1-3]', '--package=vim', '--package', 'htop', '-y']);
  assert.deepEqual(input.options, { package: ['vim', 'htop'], yes: true });
  assert.deepEqual(input.args, { GOLDEN: 'gold', NODESET: 'n[1-3]' });
  assert.deepEqual(parseCommandInput(shell, ['img', '--', 'ls', '-l']).rest, ['ls', '-l']);
});

test('bad usage is a UsageError (exit 2): unknown option, missing value or argument, extra argument, -- where not accepted', () => {
  assert.throws(() => parseCommandInput(kernelAdd, ['F', '--verzion', '1']), usageError());
  assert.throws(() => parseCommandInput(kernelAdd, ['F', '--version']), usageError());
  assert.throws(() => parseCommandInput(kernelAdd, []), usageError());
  assert.throws(() => parseCommandInput(kernelAdd, ['F', 'G']), usageError());
  assert.throws(() => parseCommandInput(kernelAdd, ['F', '--', 'x']), usageError());
  assert.throws(() => parseCommandInput(nfsAdd, ['g', 'n1', '--yes=no']), usageError());
});
