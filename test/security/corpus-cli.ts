/**
 * Hostile command lines: names, node sets, sizes, sources, spec files and
 * config files that an administrator's typo or an attacker's script could
 * pass. Every one must be refused with exit code 2, one line on stderr, and
 * no change inside or outside the root.
 */
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { traversalNames, type HostileWorld } from '../helpers/hostile-world.js';

/** One hostile command line. */
export interface CliCase {
  category: 'names' | 'kernel names' | 'token ids' | 'node sets' | 'sizes' | 'sources' | 'spec files' | 'config files';
  argv: string[];
  /** Prepares the root or input files; runs before the "before" checksum. */
  setup?: (world: HostileWorld) => Promise<void>;
  /** Undoes `setup` after the "after" checksum. */
  teardown?: (world: HostileWorld) => Promise<void>;
}

/** The image, kernel and node the base state holds (see the test's set-up). */
export const GOOD_IMAGE = 'img';
export const GOOD_KERNEL = 'vmlinuz-6.1.0-test';

const BAD_NAMES = [
  ...traversalNames(), '..', '.', '/abs/victim', 'a/b', 'img/../img', '.hidden', '-dash', 'with space', '$(touch pwned)',
  'semi;colon', 'new\nline', 'victim.lock', 'x.LOCK', 'img.yml', 'x'.repeat(300), 'é', '%2e%2e%2fvictim', '..\\victim', '',
];

function forNames(build: (name: string) => string[]): CliCase[] {
  return BAD_NAMES.map((name) => ({ category: 'names' as const, argv: build(name) }));
}

function configCase(yaml: string, argv: string[] = ['image', 'list']): CliCase {
  const file = (world: HostileWorld) => join(world.root, 'etc', 'diskless', 'diskless.yml');
  return {
    category: 'config files',
    argv,
    setup: async (world) => {
      await mkdir(join(world.root, 'etc', 'diskless'), { recursive: true });
      await writeFile(file(world), yaml);
    },
    teardown: async (world) => rm(file(world), { force: true }),
  };
}

/** A valid SHA-512 crypt hash (of "test"), so that only the planted fault is wrong. */
export const GOOD_HASH = '$6$saltsalt$JcVDtuB6d1BHhCd5RPBh8g8xX/1CbY8EU2PN0MTaj2/Mypw4P./C6dN4j0HALhzBDTocyW1Jm.gYaTPjFGCV40';

/** A spec file: a complete valid recipe with `fault` merged over it, or `fault` alone when `whole`. */
function specCase(fault: Record<string, unknown> | string): CliCase {
  return {
    category: 'spec files',
    argv: ['livenet', 'create', 'fromspec', '--from-file', 'SPEC'],
    setup: async (world) => {
      const recipe = { kernel: GOOD_KERNEL, type: 'core', size: '1G', source: `dir:${join(world.inputs, 'tree')}`, password_hash: GOOD_HASH };
      const text = typeof fault === 'string' ? fault : JSON.stringify({ ...recipe, ...fault });
      await writeFile(join(world.inputs, 'spec.yml'), text);
    },
  };
}

const ALIAS_BOMB = ['a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]', 'g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]'].join('\n');

function livenetCreate(overrides: Record<string, string>): string[] {
  const options = { kernel: GOOD_KERNEL, type: 'core', size: '1G', source: 'dir:TREE', 'password-hash': GOOD_HASH, ...overrides };
  return ['livenet', 'create', 'newimg', ...Object.entries(options).flatMap(([key, value]) => [`--${key}`, value])];
}

/** Every hostile command line; `SPEC` and `TREE` are replaced by files under the world's inputs folder. */
export function cliCorpus(): CliCase[] {
  return [
    ...forNames((n) => ['image', 'show', n]),
    ...forNames((n) => ['image', 'remove', n, '--yes', '--force']),
    ...forNames((n) => ['image', 'clean', n, '--yes']),
    ...forNames((n) => ['image', 'set-kernel', n, GOOD_KERNEL]),
    ...forNames((n) => ['livenet', 'resize', n, '2G']),
    ...forNames((n) => ['livenet', 'mount', n]),
    ...forNames((n) => ['demo', 'create', n, '--message', 'hi']),
    ...forNames((n) => ['nfs', 'nodes', 'add', n, 'n1']),
    ...forNames((n) => ['boot', 'set', 'n1', n]),
    ...traversalNames().slice(0, 6).map((n) => ({ category: 'kernel names' as const, argv: ['image', 'set-kernel', GOOD_IMAGE, n] })),
    ...traversalNames().slice(0, 6).map((n) => ({ category: 'kernel names' as const, argv: ['kernel', 'initramfs', `vmlinuz-${n}`] })),
    { category: 'kernel names', argv: ['kernel', 'initramfs', 'vmlinuz-1;reboot'] },
    ...['../../victim', '..', 'x'.repeat(200), 'a b'].map((id) => ({ category: 'token ids' as const, argv: ['api', 'token', 'revoke', id] })),
    { category: 'token ids', argv: ['api', 'token', 'create', '--role', 'root'] },
    ...['n[1-20000000]', 'fortoy[2-3,36-40-44]', 'n[-1-2]', '../victim', 'a b', '', 'n[1-3', 'n1;rm', 'n[3-1]',
      `${'a'.repeat(64)}.example.com`, `${'a.'.repeat(130)}com`, 'n[1-999999999]']
      .flatMap((set) => [['boot', 'set', set, GOOD_IMAGE], ['boot', 'unset', set], ['nfs', 'nodes', 'add', 'gold', set]])
      .map((argv) => ({ category: 'node sets' as const, argv })),
    ...['-1', '0', 'abc', '1e99G', '99999999999999999999G', '5Q', '1.5.5G', ''].flatMap((size) => [
      { category: 'sizes' as const, argv: ['livenet', 'resize', GOOD_IMAGE, size] },
      { category: 'sizes' as const, argv: livenetCreate({ size }) },
    ]),
    ...['dir:/', 'dir:/dev', 'dir:/proc', 'dir:/sys', 'tar:/etc/passwd', 'dir:relative/path', 'dir:', 'nope:thing', '12', 'tar:/nonexistent.tar']
      .map((source) => ({ category: 'sources' as const, argv: livenetCreate({ source }) })),
    specCase({ sizee: '5G' }),
    specCase({ source: 12 }),
    specCase({ size: '-5G' }),
    specCase({ kernel: '../../victim' }),
    specCase({ name: '../../victim' }),
    specCase({ password_hash: '' }),
    specCase({ password_hash: `${GOOD_HASH}\nroot2::0:0:::` }),
    specCase({ packages: ['vim; reboot'] }),
    specCase({ source: 'dir:/' }),
    specCase(ALIAS_BOMB),
    specCase('source: [unclosed\n'),
    specCase('- a\n- list\n'),
    configCase('paths:\n  imagesDir: /../escaped/images\n'),
    configCase('paths:\n  imagesDir: /srv/pxe/diskless/images\n'),
    configCase("paths:\n  imagesDir: '/srv/pxe boot/images'\n"),
    configCase('paths:\n  stateDir: /../../state\n', ['boot', 'set', 'n1', GOOD_IMAGE]),
    configCase('paths:\n  workDir: relative/work\n'),
    configCase('pathz:\n  imagesDir: /x\n'),
    configCase(ALIAS_BOMB),
    configCase('paths: [unclosed\n'),
    {
      ...configCase('paths:\n  stateDir: /var/lib/escape\n', ['boot', 'set', 'n1', GOOD_IMAGE]),
      setup: async (world) => {
        // A symlink inside the root pointing outside it: resolving the configured path must notice.
        await mkdir(join(world.root, 'etc', 'diskless'), { recursive: true });
        await writeFile(join(world.root, 'etc', 'diskless', 'diskless.yml'), 'paths:\n  stateDir: /var/lib/escape\n');
        await symlink(join(world.base, 'victim'), join(world.root, 'var', 'lib', 'escape'));
      },
      teardown: async (world) => {
        await rm(join(world.root, 'etc', 'diskless', 'diskless.yml'), { force: true });
        await rm(join(world.root, 'var', 'lib', 'escape'), { force: true });
      },
    },
  ];
}
