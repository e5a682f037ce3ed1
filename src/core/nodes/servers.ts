/**
 * Boot servers of the inventory: the `servers` map of `nodes.yml` (name →
 * base URL), and the ordered `servers` list a node or a profile gives, which
 * the boot layer turns into fetches that fall back from one server to the
 * next. The one check of a server URL and of a server list lives here, so
 * the CLI, the API and the file accept exactly the same values.
 */
import { UsageError } from '../../errors/index.js';
import { validateServerName } from '../names.js';
import { requireKnownKeys } from '../raw-options.js';

/** What the reference check reads of a node or profile entry (the shape of attributes.ts, which imports this file). */
interface NamingEntry {
  servers?: string[];
}

/** One boot server: where nodes fetch the served tree from. */
export interface ServerEntry {
  /**
   * Base URL, in its one written form: `http(s)://host[:port][/prefix]`,
   * without a trailing `/`. The served tree's URL paths (the same as on the
   * main server) are appended to it.
   */
  url: string;
}

/** Keys of a server entry. */
const SERVER_KEYS = ['url'] as const;

/** Longest server URL (characters): it is written into iPXE lines and the kernel command line. */
export const MAX_SERVER_URL = 256;

/**
 * Most servers a node or profile may list: the list travels as
 * `diskless.servers=` on the kernel command line, which Linux cuts at 2,048
 * bytes on x86 (COMMAND_LINE_SIZE); 4 URLs of at most 256 characters leave
 * room for the root image URL and the site's own arguments.
 */
export const MAX_SERVER_LIST = 4;

// Characters a node could not receive as written: iPXE expands `$` and splits on quotes, backslashes and
// spaces; the kernel command line lists servers separated by commas.
const URL_UNSAFE = /[\s"$'\\,]/;

/** `value` as an error may show it: whatever stands between `//` and `@` (a user name and password) masked. */
function shownUrl(value: unknown): string {
  return JSON.stringify(String(value).replace(/\/\/[^/]*@/, '//***@').slice(0, 120));
}

function badUrl(value: unknown, why: string, what = 'boot server URL'): never {
  // The URL is repeated without its credentials: an error line ends up in terminals, logs and job records.
  throw new UsageError('E_SERVER_URL', `invalid ${what} ${shownUrl(value)}: ${why}`,
    'give http://HOST[:PORT][/PREFIX] (or https://), e.g. http://10.0.0.2:8080');
}

/**
 * The one check of a boot server URL: http or https, a host, no user name or
 * password (they would be served in every node script), no query or fragment
 * (the boot paths and the node query are appended to it), nothing iPXE or
 * the kernel command line would read differently. Returns its one form
 * (lower-case scheme and host, default port left out, no trailing `/`).
 * `what` names the URL in the error (`boot server URL` by default);
 * `credentials` says why a user name or password cannot stand in it (where
 * it would end up: for a boot server, every node script).
 * @throws UsageError E_SERVER_URL naming the problem.
 */
export function checkServerUrl(value: unknown, what = 'boot server URL', credentials = 'every node script would show it'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_SERVER_URL) badUrl(value, `it must be text of 1 to ${MAX_SERVER_URL} characters`, what);
  if (URL_UNSAFE.test(value)) badUrl(value, 'spaces, quotes, backslashes, "$" and "," cannot stand in a boot script', what);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return badUrl(value, 'it is not a URL', what);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') badUrl(value, `scheme ${url.protocol.replace(/:$/, '')} (nodes fetch over http or https)`, what);
  if (url.hostname === '') badUrl(value, 'it names no host', what);
  if (url.port === '0') badUrl(value, 'port 0 is not a port a node can connect to', what);
  if (url.username !== '' || url.password !== '') badUrl(value, `it holds a user name or password: ${credentials}`, what);
  if (url.search !== '' || value.includes('?')) badUrl(value, 'it has a query (the boot paths are appended to it)', what);
  if (url.hash !== '' || value.includes('#')) badUrl(value, 'it has a fragment', what);
  const written = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  if (URL_UNSAFE.test(written) || written.length > MAX_SERVER_URL) badUrl(value, 'its written form cannot stand in a boot script', what);
  return written;
}

/**
 * Checks one server entry given as data (the file, an API body).
 * @throws UsageError E_SERVER_URL, E_UNKNOWN_OPTION.
 */
export function checkServerEntry(raw: unknown, where: string): ServerEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UsageError('E_SERVER_URL', `${where} must be a map with a url`, 'e.g. url: http://10.0.0.2');
  }
  requireKnownKeys(raw as Record<string, unknown>, SERVER_KEYS, where);
  return { url: checkServerUrl((raw as Record<string, unknown>).url) };
}

/**
 * Checks the `servers` list of a node or a profile: names (the one name
 * gate), each once (order is preference: a name given twice has no single
 * place in it). A comma-separated text is read as a list (the CLI's
 * `--servers a,b`); an empty text or an empty part is refused, since clearing
 * the list is `--unset-servers`; more than {@link MAX_SERVER_LIST} names too.
 * @throws UsageError E_SERVER_NAME.
 */
export function checkServerList(value: unknown, where: string): string[] {
  const list = typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value;
  // Names only: String(null) or String(1) would pass the name gate as the server "null" or "1".
  if (!Array.isArray(list) || list.some((name) => typeof name !== 'string')) throw new UsageError('E_SERVER_NAME', `"servers" in ${where} must be a list of server names`, 'e.g. servers: [main, sat1]');
  if (typeof value === 'string' && list.some((part) => part === '')) {
    throw new UsageError('E_SERVER_NAME', `the server list ${JSON.stringify(value.slice(0, 80))} (in ${where}) has an empty name`,
      'give names separated by single commas, e.g. --servers sat1,main; to clear the list use --unset-servers');
  }
  if (list.length > MAX_SERVER_LIST) {
    throw new UsageError('E_SERVER_NAME', `the server list (in ${where}) names ${list.length} servers; at most ${MAX_SERVER_LIST} fit on a kernel command line`,
      `give the ${MAX_SERVER_LIST} preferred ones; a satellite can itself fall back to the main server`);
  }
  const names = list.map((name) => validateServerName(String(name)));
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) {
    throw new UsageError('E_SERVER_NAME', `the server list (in ${where}) names ${twice} twice`, 'give each server once, in order of preference');
  }
  return names;
}

/** The servers a document holds, as a map without prototype (absent section: empty). */
export function serverMap(document: { servers?: Record<string, ServerEntry> }): Record<string, ServerEntry> {
  return document.servers ?? (Object.create(null) as Record<string, ServerEntry>);
}

/** The parts of an inventory document the reference check reads. */
interface ServerDocument {
  nodes: Record<string, NamingEntry>;
  profiles: Record<string, NamingEntry>;
  servers?: Record<string, ServerEntry>;
}

/**
 * Refuses a change after which a node or a profile names a server the
 * inventory does not list: a list the change wrote, or a server the change
 * removed. A list left as it was that already named an unknown server (a
 * hand edit removed it) does not block unrelated work; the boot layer skips
 * unknown servers when rendering.
 * @throws UsageError E_NODE_UNKNOWN_SERVER naming the servers, the nodes or profiles naming them, and the servers there are.
 */
export function checkServerReferences(previous: ServerDocument, next: ServerDocument): void {
  const known = serverMap(next);
  const knownBefore = serverMap(previous);
  const missing = new Set<string>();
  const namedBy = new Set<string>();
  for (const kind of ['nodes', 'profiles'] as const) {
    const entries = next[kind];
    for (const name of Object.keys(entries)) {
      const list = entries[name]?.servers;
      if (list === undefined) continue;
      const before = Object.hasOwn(previous[kind], name) ? previous[kind][name]?.servers : undefined;
      const unchanged = before !== undefined && before.join(',') === list.join(',');
      for (const server of list) {
        if (Object.hasOwn(known, server)) continue;
        // An unchanged list still naming a server a hand edit removed earlier is not this change's doing.
        if (unchanged && !Object.hasOwn(knownBefore, server)) continue;
        missing.add(server);
        namedBy.add(`${kind === 'nodes' ? 'node' : 'profile'} ${name}`);
      }
    }
  }
  if (missing.size === 0) return;
  const names = Object.keys(known).sort();
  const by = [...namedBy];
  throw new UsageError('E_NODE_UNKNOWN_SERVER',
    `no boot server named ${[...missing].join(', ')} (in the list of ${by.slice(0, 5).join(', ')}${by.length > 5 ? ', ...' : ''})`,
    `add it first with \`disklessset server add NAME URL\`${names.length ? ` (servers: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''})` : ' (there is no server yet)'}`);
}
