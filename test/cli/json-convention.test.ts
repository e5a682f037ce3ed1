/**
 * One JSON convention for every command (docs/json.md): each command that
 * answers with --json is run on a temporary root with real tools; its stdout
 * is one JSON value with camelCase keys, node sets are a folded string plus a
 * count, commands that change an image answer its whole state, and stderr
 * carries progress only as JSON lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { allCommands } from '../../src/cli/registry.js';
import { EXTRA_COMMANDS } from '../../src/cli/extra-commands.js';
import { ANSWER_KEY_PATTERN } from '../../src/modules/json-answer.js';
import { NodeSet } from '../../src/nodeset/index.js';
import { makeTempRoot, type TempRoot } from '../helpers/temp-root.js';
import { makeBusyboxTree } from '../helpers/livenet-fixtures.js';
import { makeOsTree } from '../helpers/nfs-trees.js';
import { overlayCli } from '../helpers/overlay-renderer.js';
import type { CliRun } from '../helpers/run-cli.js';

const VERSION = '6.1.0-test';
const KERNEL = `vmlinuz-${VERSION}`;

/** Commands with no --json answer, and why. */
const WITHOUT_JSON_ANSWER: Record<string, string> = {
  serve: 'runs until stopped; its answer is the server itself',
  'livenet shell': 'hands the terminal to a shell; its answer is the shell\'s exit code',
};

/** Where a key breaks the convention, or a node set is not folded and counted; '' when the value is fine. */
function conventionProblems(value: unknown, where = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => conventionProblems(item, `${where}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const [key, item] of Object.entries(record)) {
    if (!ANSWER_KEY_PATTERN.test(key)) problems.push(`${where}.${key}: not camelCase`);
    const nodeSet = /^(nodes|[a-z][a-zA-Z0-9]*Nodes)$/.exec(key);
    if (nodeSet) {
      const countKey = key === 'nodes' ? 'nodeCount' : `${key.slice(0, -'Nodes'.length)}NodeCount`;
      if (typeof item !== 'string') problems.push(`${where}.${key}: a node set must be a folded string`);
      else if (record[countKey] !== new NodeSet(item).size) problems.push(`${where}.${countKey}: must be the count of ${key} (${item})`);
      else if (new NodeSet(item).fold() !== item) problems.push(`${where}.${key}: not folded`);
    }
    problems.push(...conventionProblems(item, `${where}.${key}`));
  }
  return problems;
}

/** The state every command that creates or changes an image answers. */
function assertImageState(answer: unknown, name: string, what: string): void {
  const state = answer as Record<string, unknown>;
  assert.equal(state.name, name, what);
  for (const key of ['status', 'imageClass', 'kernel', 'sizeBytes', 'builtAt', 'nodes', 'nodeCount', 'attributes']) {
    assert.ok(key in state, `${what}: the answer is the image's whole state (no ${key})`);
  }
}

/** A busybox tree whose dracut prints stages as the real one does and writes a small initramfs. */
async function treeWithDracut(t: TempRoot): Promise<string> {
  const tree = await makeBusyboxTree(t.root);
  for (const dir of ['usr/bin', 'var/tmp', `lib/modules/${VERSION}`]) await mkdir(join(tree, dir), { recursive: true });
  await writeFile(join(tree, 'usr/bin/dracut'), [
    '#!/bin/sh',
    'echo "dracut: *** Including module: base ***" >&2',
    'echo "dracut: *** Creating image file ***" >&2',
    'for a; do case "$a" in */initramfs.img) echo initramfs > "$a";; esac; done',
    '',
  ].join('\n'));
  await chmod(join(tree, 'usr/bin/dracut'), 0o755);
  return tree;
}

test('every command answering --json follows one convention: camelCase keys, node sets folded and counted, progress as JSON lines on stderr', async () => {
  const t = await makeTempRoot();
  const exercised = new Set<string>();
  const answers = new Map<string, unknown>();
  const progress = new Map<string, Record<string, unknown>[]>();
  /** Runs `disklessset --json ARGS` (`words` of the command path first), checks stdout and stderr, keeps the answer. */
  const json = async (words: number, args: string[], input?: string,
    cli: (argv: string[]) => Promise<CliRun> = (argv) => t.cli(argv, { input })): Promise<unknown> => {
    const command = args.slice(0, words).join(' ');
    const result = await cli(['--json', ...args]);
    assert.equal(result.exitCode, 0, `${args.join(' ')}: ${result.stderr}`);
    const answer = JSON.parse(result.stdout) as unknown;
    assert.deepEqual(conventionProblems(answer), [], `${command} answers by the convention: ${result.stdout}`);
    const lines = result.stderr.split('\n').filter((line) => line && !/^(warning|disklessset): /.test(line));
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const record of records) assert.deepEqual(conventionProblems(record), [], `${command}: progress line ${JSON.stringify(record)}`);
    exercised.add(command);
    answers.set(command, answer);
    progress.set(command, records);
    return answer;
  };
  try {
    const tree = await treeWithDracut(t);
    await writeFile(join(t.root, KERNEL), 'not a real kernel\n');
    await json(2, ['kernel', 'add', join(t.root, KERNEL)]);
    const initramfs = await json(2, ['kernel', 'initramfs', KERNEL, '--chroot', tree]) as Record<string, unknown>;
    assert.equal(initramfs.initramfsPresent, true);
    const dracutLines = progress.get('kernel initramfs') ?? [];
    assert.ok(dracutLines.some((r) => r.type === 'detail' && r.message === 'dracut: Including module: base'), 'dracut\'s stages are relayed');
    assert.deepEqual((dracutLines.at(-1)?.sizes as unknown[])?.length, 1, 'the summary gives the initramfs size');
    await json(2, ['kernel', 'list']);

    const created = await json(2, ['livenet', 'create', 'live1', '--kernel', KERNEL, '--size', '150M', '--source', `dir:${tree}`,
      '--password-stdin', '--compression', 'gzip'], 'pw\n');
    assertImageState(created, 'live1', 'livenet create');
    const build = progress.get('livenet create') ?? [];
    assert.ok(build.some((r) => r.type === 'progress' && r.unit === 'percent' && r.done === 100), 'mksquashfs\'s percentage is relayed');
    const summary = build.at(-1) ?? {};
    assert.equal(summary.type, 'summary');
    assert.deepEqual((summary.sizes as { label: string }[]).map((s) => s.label).sort(), ['OS tree', 'squashfs.img']);
    assertImageState(await json(2, ['livenet', 'rebuild', 'live1']), 'live1', 'livenet rebuild');
    assertImageState(await json(2, ['image', 'rebuild', 'live1']), 'live1', 'image rebuild');
    assert.ok((progress.get('image rebuild') ?? []).some((r) => r.type === 'step'), 'image rebuild --json reports its steps on stderr');
    const resized = await json(2, ['livenet', 'resize', 'live1', '160M']) as { attributes: Record<string, unknown> };
    assert.equal(resized.attributes.livenetSizeMiB, 160, 'sizes carry their unit in the key');
    const rolledBack = await json(2, ['livenet', 'rollback', 'live1', '--to', 'previous']) as Record<string, unknown>;
    assertImageState(rolledBack, 'live1', 'livenet rollback');
    assert.equal(rolledBack.changed, true);
    const again = await json(2, ['livenet', 'rollback', 'live1', '--to', 'previous']) as Record<string, unknown>;
    assert.equal(again.changed, false, 'a second rollback says nothing changed');
    const history = await json(2, ['image', 'history', 'live1']) as { name: string; versions: Record<string, unknown>[] };
    assert.equal(history.name, 'live1');
    assert.ok(history.versions.length >= 2 && history.versions.every((v) => typeof v.rootSha256 === 'string' && 'sourceDigest' in v));
    const forward = await json(2, ['image', 'rollback', 'live1', '--to', String(rolledBack.from)]) as Record<string, unknown>;
    assertImageState(forward, 'live1', 'image rollback');
    assert.equal(forward.version, rolledBack.from);
    const diff = await json(2, ['image', 'diff', `live1@${String(rolledBack.version)}`, 'live1']) as { files: Record<string, unknown> };
    assert.equal(typeof diff.files.changedCount, 'number');
    await json(2, ['livenet', 'mount', 'live1']);
    assertImageState(await json(2, ['livenet', 'unmount', 'live1']), 'live1', 'livenet unmount');
    assertImageState(await json(2, ['image', 'set-kernel', 'live1', KERNEL]), 'live1', 'image set-kernel');

    assertImageState(await json(2, ['demo', 'create', 'd1', '--message', 'two\nlines']), 'd1', 'demo create');
    await json(2, ['boot', 'set', 'n[1-3]', 'live1']);
    await json(2, ['boot', 'list']);
    assert.deepEqual(await json(2, ['boot', 'show', 'n[1-5]']), {
      nodes: 'n[1-5]', nodeCount: 5, images: [{ image: 'live1', nodes: 'n[1-3]', nodeCount: 3 }], unassignedNodes: 'n[4-5]', unassignedNodeCount: 2,
    });
    await json(2, ['boot', 'unset', 'n3']);
    await json(2, ['profile', 'add', 'compute', '--image', 'live1', '--var', 'rack=a']);
    await json(2, ['profile', 'set', 'compute', '--kernel-args', 'quiet']);
    await json(2, ['profile', 'list']);
    await json(2, ['profile', 'show', 'compute']);
    assert.deepEqual(await json(2, ['node', 'add', 'm[1-2]', '--profile', 'compute']), { nodes: 'm[1-2]', nodeCount: 2 });
    await json(2, ['node', 'set', 'm2', '--ip', '10.0.0.2']);
    await json(2, ['node', 'list']);
    await json(2, ['node', 'show', 'm1']);
    await json(2, ['node', 'set', 'm1', '--overlay', 'hostname', '--overlay', 'ssh-host-keys']);
    await json(2, ['overlay', 'list']);
    await json(2, ['overlay', 'show', 'ssh-host-keys']);
    const rendered = await json(2, ['overlay', 'render', 'm1']) as { entries: { secret: boolean }[] };
    assert.ok(rendered.entries.some((entry) => entry.secret), 'overlay render lists secret files (without content)');
    await json(2, ['overlay', 'render', 'm1', '--path', '/etc/hostname']);
    await json(2, ['node', 'ssh-keys', 'm1']);
    await json(2, ['node', 'ssh-keys', 'm1', '--fingerprint']);
    assert.equal((await json(2, ['node', 'ssh-keys', 'm1', '--rotate']) as { rotated: boolean }).rotated, true);
    const status = await json(2, ['node', 'status', 'm[1-2]']) as Record<string, unknown>;
    assert.equal(status.neverBootedNodes, 'm[1-2]', 'node status folds and counts its node sets');
    await writeFile(join(t.root, 'nodes.csv'), 'name,ip\nm3,10.0.0.3\n');
    await json(2, ['node', 'import', '--csv', join(t.root, 'nodes.csv')]);
    await json(2, ['node', 'remove', 'm[1-3]']);
    await json(2, ['profile', 'remove', 'compute']);
    await json(2, ['server', 'add', 'sat1', 'http://10.0.1.1:8080']);
    await json(2, ['node', 'add', 's[1-2]', '--servers', 'sat1']);
    const servers = await json(2, ['server', 'list']) as Record<string, unknown>[];
    assert.deepEqual(servers.map((s) => [s.name, s.nodes, s.nodeCount]), [['sat1', 's[1-2]', 2]], 'server list folds and counts the nodes naming a server');
    await json(2, ['server', 'remove', 'sat1', '--force']);
    await json(2, ['node', 'remove', 's[1-2]']);
    const listed = await json(2, ['image', 'list']) as Record<string, unknown>[];
    assert.deepEqual(listed.map((i) => [i.name, i.nodes, i.nodeCount]), [['d1', '', 0], ['live1', 'n[1-2]', 2]]);
    assertImageState(await json(2, ['image', 'show', 'live1']), 'live1', 'image show');

    const osTree = join(t.root, 'os-tree');
    await makeOsTree(osTree);
    await writeFile(join(t.root, 'password'), 'secret\n');
    assertImageState(await json(3, ['nfs', 'staging', 'create', 'st', '--kernel', KERNEL, '--source', `dir:${osTree}`,
      '--password-file', join(t.root, 'password'), '--release', '12']), 'st', 'nfs staging create');
    assertImageState(await json(3, ['nfs', 'golden', 'create', 'gd', '--from', 'st']), 'gd', 'nfs golden create');
    const added = await json(3, ['nfs', 'nodes', 'add', 'gd', 'cn[1-3]']) as Record<string, unknown>;
    assert.equal(added.addedNodes, 'cn[1-3]');
    assert.ok((progress.get('nfs nodes add') ?? []).some((r) => r.type === 'progress' && r.unit === 'nodes' && r.done === 3));
    await json(3, ['nfs', 'nodes', 'remove', 'gd', 'cn2', '--yes']);
    await json(3, ['nfs', 'nodes', 'list', 'gd']);
    await json(2, ['nfs', 'exports', '--print']);

    await json(2, ['module', 'list']);
    await json(1, ['nodeset', '-f', 'n1', 'n2']);
    await json(1, ['http-config', 'nginx']);
    const token = await json(3, ['api', 'token', 'create', '--role', 'read']) as { id: string };
    await json(3, ['api', 'token', 'list']);
    await json(3, ['api', 'token', 'revoke', token.id]);
    // With the test renderer of the delivery tests (overlay rendering is wired by another part of the tool).
    const built = await json(2, ['overlay', 'build'], undefined, (argv) => overlayCli(t.root, argv)) as Record<string, unknown>;
    assert.ok((built.nodeCount as number) > 0 && (built.written as number) + (built.unchanged as number) === built.nodeCount, 'overlay build counts its nodes');
    await json(2, ['image', 'clean', '--all-corrupted']);
    await json(2, ['image', 'remove', 'd1', '--yes']);

    const services = await t.services();
    const every = allCommands(services.activeModules, EXTRA_COMMANDS).map((c) => c.path.join(' '));
    const missed = every.filter((c) => !exercised.has(c) && !(c in WITHOUT_JSON_ANSWER));
    assert.deepEqual(missed, [], 'every command is run here, or listed with the reason it has no --json answer');
  } finally {
    await t.cleanup();
  }
});
