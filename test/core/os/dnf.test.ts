/** The one dnf command line of the dnf source, its scratch session, and how its failures are mapped. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dnfCommonArgs, dnfFailure, dnfInstallArgv, EL_RPM_DBPATH, openDnfSession } from '../../../src/core/os/dnf.js';
import { CommandError, run } from '../../../src/system/runner.js';
import { UsageError } from '../../../src/errors/index.js';

test('the dnf call: installroot and releasever; with --repo, only our config, an empty reposdir, no plugins, each repository checked', async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'disklessset-dnf-call-'));
  try {
    const session = await openDnfSession(scratch);
    const repos = { urls: ['file:///srv/el/$releasever', 'https://mirror/el9'], gpgKeys: ['file:///k1', 'https://mirror/k2'], gpgcheck: true };
    const argv = dnfInstallArgv({ root: '/t/tree', release: '9', repos, session }, ['@core', 'vim'], false);
    assert.deepEqual(argv, ['dnf', 'install', '-y', '--installroot', '/t/tree', '--releasever', '9', '--setopt=skip_if_unavailable=False',
      `--config=${session.configFile}`, `--setopt=reposdir=${session.reposDir}`, '--noplugins',
      '--repofrompath=disklessset-1,file:///srv/el/$releasever', '--setopt=disklessset-1.gpgcheck=1',
      '--setopt=disklessset-1.gpgkey=file:///k1 https://mirror/k2',
      '--repofrompath=disklessset-2,https://mirror/el9', '--setopt=disklessset-2.gpgcheck=1',
      '--setopt=disklessset-2.gpgkey=file:///k1 https://mirror/k2', '@core', 'vim']);
    // The host's repository files, dnf.conf and plugins are never read: the reposdir is empty, the config ours.
    assert.deepEqual(await readdir(session.reposDir), []);
    assert.equal(await readFile(session.configFile, 'utf8'), '[main]\nskip_if_unavailable=False\n');
    assert.ok(session.home.startsWith(scratch) && session.env.HOME === session.home, 'dnf\'s HOME is the scratch folder');
    // This host's rpm (Debian's) keeps its database in ~/.rpmdb: the tree's goes to /var/lib/rpm instead.
    const hostDbpath = (await run(['rpm', '--eval', '%{_dbpath}'], { timeoutMs: 30_000 })).stdout.trim();
    const elHost = /^\/(var\/lib\/rpm|usr\/lib\/sysimage\/rpm)$/.test(hostDbpath);
    assert.equal(await readFile(join(session.home, '.rpmmacros'), 'utf8').catch(() => undefined), elHost ? undefined : `%_dbpath ${EL_RPM_DBPATH}\n`);
    const unsigned = dnfCommonArgs({ root: '/t/tree', repos: { urls: ['file:///r'], gpgKeys: [], gpgcheck: false }, session });
    assert.ok(unsigned.includes('--setopt=disklessset-1.gpgcheck=0') && !unsigned.some((a) => a.includes('gpgkey')));
    // Without --repo: the host's repositories (dnf reads them where the empty tree has none).
    assert.deepEqual(dnfCommonArgs({ root: '/t/tree', release: '9', session }),
      ['--installroot', '/t/tree', '--releasever', '9', '--setopt=skip_if_unavailable=False']);
    await session.close();
    assert.deepEqual(await readdir(scratch), [], 'the scratch folder is removed');
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});

test('a host without repositories: the message dnf prints becomes E_REPO, naming --repo', () => {
  // dnf 4's words when neither --repo nor the host gives a repository (not run for real: it depends on the host's files).
  const failed = new CommandError(['dnf', 'install', '-y', '--installroot', '/t'], 'exit-code',
    'Error: There are no enabled repositories in "/t/etc/yum.repos.d", "/t/etc/distro.repos.d".\n', 1);
  const mapped = dnfFailure(failed, '');
  assert.ok(mapped instanceof UsageError && mapped.code === 'E_REPO', String(mapped));
  assert.match(mapped.message, /^dnf install exited with 1: no repository is configured/);
  assert.match(mapped.hint ?? '', /--repo/);
  const other = new CommandError(['dnf', 'install'], 'exit-code', 'Error: Transaction test error: disk full\n', 1);
  assert.equal(dnfFailure(other, ''), other, 'other failures stay the command\'s own error');
});
