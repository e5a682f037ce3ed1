/**
 * Tiny but real RPM repositories for the dnf source's tests: noarch
 * packages built with rpmbuild from spec files written here (no build step,
 * %install only writes files), optionally signed with a throw-away GPG key,
 * indexed with createrepo_c (with a comps file for group installs), and
 * served over HTTP on 127.0.0.1 when a test needs a remote repository.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readdir, stat, writeFile, copyFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';
import { run } from '../../src/system/runner.js';

/** One tiny package: the files it owns (absolute path inside the tree → text), what it requires and recommends. */
export interface TinyPackage {
  name: string;
  /** Version (default 1.0; release 1). */
  version?: string;
  files: Record<string, string>;
  /** Files among `files` marked %doc (left out by `tsflags=nodocs`). */
  docs?: string[];
  requires?: string[];
  /** Weak dependencies (left out by `install_weak_deps=False`). */
  recommends?: string[];
}

/** A comps group (`dnf install @id`) listing packages as mandatory. */
export interface TinyGroup {
  id: string;
  packages: string[];
}

function specText(pkg: TinyPackage): string {
  const install = Object.entries(pkg.files).flatMap(([path, text]) => [
    `mkdir -p %{buildroot}${path.slice(0, path.lastIndexOf('/')) || '/'}`,
    `printf '%s\\n' '${text.replace(/'/g, '')}' > %{buildroot}${path}`,
  ]);
  return [
    `Name: ${pkg.name}`, `Version: ${pkg.version ?? '1.0'}`, 'Release: 1', `Summary: ${pkg.name} test package`, 'License: MIT', 'BuildArch: noarch',
    ...(pkg.requires ?? []).map((r) => `Requires: ${r}`), ...(pkg.recommends ?? []).map((r) => `Recommends: ${r}`),
    '%description', `${pkg.name} test package`, '%install', ...install, '%files',
    ...Object.keys(pkg.files).map((path) => (pkg.docs?.includes(path) ? `%doc ${path}` : path)), '',
  ].join('\n');
}

function compsText(groups: readonly TinyGroup[]): string {
  const body = groups.map((g) => [
    '  <group>', `    <id>${g.id}</id>`, `    <name>${g.id}</name>`, `    <description>${g.id} test group</description>`,
    '    <default>true</default>', '    <uservisible>true</uservisible>', '    <packagelist>',
    ...g.packages.map((p) => `      <packagereq type="mandatory">${p}</packagereq>`), '    </packagelist>', '  </group>',
  ].join('\n'));
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE comps PUBLIC "-//Red Hat, Inc.//DTD Comps info//EN" "comps.dtd">',
    '<comps>', ...body, '</comps>', ''].join('\n');
}

/** A throw-away signing key: its GnuPG home and its exported public key (armored file). */
export interface SigningKey {
  gnupgHome: string;
  publicKeyFile: string;
  uid: string;
}

/** Makes a signing key under `dir` (RSA, no passphrase). */
export async function makeSigningKey(dir: string): Promise<SigningKey> {
  const gnupgHome = join(dir, 'gnupg');
  await mkdir(gnupgHome, { recursive: true, mode: 0o700 });
  const uid = 'Tiny Repo <tiny@repo.invalid>';
  const env = { GNUPGHOME: gnupgHome };
  await run(['gpg', '--batch', '--passphrase', '', '--quick-gen-key', uid, 'rsa2048', 'sign', 'never'], { env, timeoutMs: 120_000 });
  const exported = await run(['gpg', '--armor', '--export', uid], { env, timeoutMs: 30_000 });
  const publicKeyFile = join(dir, 'RPM-GPG-KEY-tiny');
  await writeFile(publicKeyFile, exported.stdout);
  return { gnupgHome, publicKeyFile, uid };
}

/**
 * Builds `packages` under `dir` and makes `dir/repo` a repository of them
 * (signed with `key` when given; `groups` in its comps). Returns the
 * repository folder.
 */
export async function makeRpmRepo(dir: string, packages: readonly TinyPackage[],
  options: { groups?: readonly TinyGroup[]; key?: SigningKey } = {}): Promise<string> {
  const top = join(dir, 'rpmbuild');
  const repo = join(dir, 'repo');
  await mkdir(join(top, 'SPECS'), { recursive: true });
  await mkdir(repo, { recursive: true });
  for (const pkg of packages) {
    const spec = join(top, 'SPECS', `${pkg.name}.spec`);
    await writeFile(spec, specText(pkg));
    await run(['rpmbuild', '-bb', '--quiet', '--define', `_topdir ${top}`, spec], { timeoutMs: 120_000 });
  }
  const built = join(top, 'RPMS', 'noarch');
  for (const file of await readdir(built)) await copyFile(join(built, file), join(repo, file));
  if (options.key) {
    const rpms = (await readdir(repo)).filter((f) => f.endsWith('.rpm')).map((f) => join(repo, f));
    await run(['rpmsign', '--addsign', '--define', `_gpg_name ${options.key.uid}`, '--define', '__gpg /usr/bin/gpg', ...rpms],
      { env: { GNUPGHOME: options.key.gnupgHome }, timeoutMs: 120_000 });
  }
  const comps = join(dir, 'comps.xml');
  if (options.groups) await writeFile(comps, compsText(options.groups));
  await run(['createrepo_c', '--quiet', ...(options.groups ? ['--groupfile', comps] : []), repo], { timeoutMs: 120_000 });
  return repo;
}

/** A folder served over HTTP on 127.0.0.1 (GET only, files under it only). */
export interface ServedFolder {
  url: string;
  close(): Promise<void>;
}

/** Serves `folder` on an ephemeral port of 127.0.0.1. */
export async function serveFolder(folder: string): Promise<ServedFolder> {
  const server: Server = createServer((request, response) => {
    const path = normalize(join(folder, decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/')));
    void (async () => {
      const info = path.startsWith(folder + sep) ? await stat(path).catch(() => undefined) : undefined;
      if (!info?.isFile()) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-length': info.size });
      createReadStream(path).pipe(response);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
