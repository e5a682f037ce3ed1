/**
 * Which Debian archives this host can reach: read from its own apt sources,
 * because the test machines have no network except the package mirrors.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One `deb URI suite components` source usable by mmdebstrap. */
export interface AptSource {
  uri: string;
  suite: string;
  components: string[];
}

/** Parses one-line (`deb ...`) and deb822 (`Types: deb`) apt source files. */
export function parseAptSources(text: string, deb822: boolean): AptSource[] {
  const found: AptSource[] = [];
  if (!deb822) {
    for (const raw of text.split('\n')) {
      const words = raw.replace(/#.*/, '').replace(/\[[^\]]*\]/, '').trim().split(/\s+/);
      if (words[0] !== 'deb' || words.length < 4) continue;
      found.push({ uri: words[1] ?? '', suite: words[2] ?? '', components: words.slice(3) });
    }
    return found;
  }
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (match?.[1] && match[2] !== undefined) fields.set(match[1].toLowerCase(), match[2].trim());
    }
    if (!(fields.get('types') ?? '').split(/\s+/).includes('deb')) continue;
    if ((fields.get('enabled') ?? 'yes') === 'no') continue;
    for (const uri of (fields.get('uris') ?? '').split(/\s+/).filter(Boolean)) {
      for (const suite of (fields.get('suites') ?? '').split(/\s+/).filter(Boolean)) {
        found.push({ uri, suite, components: (fields.get('components') ?? 'main').split(/\s+/) });
      }
    }
  }
  return found;
}

/**
 * The host's Debian sources for `release` (the release, its -updates and
 * -security suites), as mmdebstrap mirror lines. Third-party repositories are
 * left out: they are not reachable from the test machines.
 */
export async function debianMirrorLines(release: string, etcApt = '/etc/apt'): Promise<string[]> {
  const files: [string, boolean][] = [[join(etcApt, 'sources.list'), false]];
  try {
    for (const name of (await readdir(join(etcApt, 'sources.list.d'))).sort()) {
      if (name.endsWith('.list')) files.push([join(etcApt, 'sources.list.d', name), false]);
      if (name.endsWith('.sources')) files.push([join(etcApt, 'sources.list.d', name), true]);
    }
  } catch { /* no sources.list.d */ }
  const lines = new Set<string>();
  for (const [file, deb822] of files) {
    let text: string;
    try { text = await readFile(file, 'utf8'); } catch { continue; }
    for (const source of parseAptSources(text, deb822)) {
      const isDebian = /\/debian(-security)?\/?$/.test(source.uri);
      const suiteOk = source.suite === release || source.suite.startsWith(`${release}-`);
      if (isDebian && suiteOk) lines.add(`deb ${source.uri} ${source.suite} main`);
    }
  }
  if (lines.size === 0) lines.add(`deb http://deb.debian.org/debian ${release} main`);
  return [...lines];
}
