/**
 * The one gate of container-image sources (`--source docker://...`,
 * `oci-archive:`, `docker-archive:`, `oci:`): the text is checked here,
 * before any work, and only the checked form is ever handed to skopeo. skopeo
 * runs without a shell, so metacharacters do not matter; what matters is a
 * value skopeo would read as an option, control characters that would garble
 * messages and logs, and a path that is relative (resolved against a
 * directory nobody chose) or that holds the `:` skopeo splits references on.
 */
import { UsageError } from '../../errors/index.js';
import type { OciSource, OciTransport } from './os-request.js';

const PREFIXES: readonly { prefix: string; transport: OciTransport }[] = [
  { prefix: 'docker://', transport: 'docker' },
  { prefix: 'oci-archive:', transport: 'oci-archive' },
  { prefix: 'docker-archive:', transport: 'docker-archive' },
  { prefix: 'oci:', transport: 'oci' },
];

// The distribution reference grammar (a host with an optional port, lower-case path components, then a tag or a sha256 digest).
const HOST = '(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]{1,5})?';
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST = 'sha256:[a-f0-9]{64}';
const DOCKER = new RegExp(`^(?:${HOST}/)?${COMPONENT}(?:/${COMPONENT})*(?::${TAG}|@${DIGEST})$`);
const LAYOUT_TAG = new RegExp(`^${TAG}$`);

const HINT = 'give docker://REGISTRY/REPO:TAG (or @sha256:DIGEST), oci-archive:/PATH.tar, docker-archive:/PATH.tar or oci:/DIR[:TAG]';

/** True when `text` names a container-image source (whatever its validity). */
export function isOciSourceText(text: string): boolean {
  return PREFIXES.some(({ prefix }) => text.startsWith(prefix));
}

function refuse(spec: string, why: string, hint = HINT): UsageError {
  return new UsageError('E_OCI_REFERENCE', `invalid image source ${JSON.stringify(spec)}: ${why}`, hint);
}

function checkPath(spec: string, path: string): string {
  if (!path.startsWith('/')) throw refuse(spec, 'the path must be absolute');
  if (path.includes(':')) throw refuse(spec, 'the path must not hold ":" (skopeo reads what follows as a reference)', 'rename or link the file');
  return path.replace(/\/+$/, '') || '/';
}

/**
 * Refuses `docker://USER:PASSWORD@REGISTRY/...`: the password would be kept in
 * image_data.yml, shown by `image show` and put on skopeo's command line. The
 * echo masks everything before the `@`, so the password is never repeated.
 */
function refuseCredentials(rest: string): void {
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  const at = host.lastIndexOf('@');
  // `REPO@sha256:DIGEST` without a registry holds an `@` too: that is a digest, not a login.
  if (at < 0 || (slash < 0 && /^[a-z0-9._-]+@sha256:[a-f0-9]{64}$/.test(rest))) return;
  throw new UsageError('E_OCI_REFERENCE', `invalid image source "docker://***@${rest.slice(at + 1, at + 201).replace(/[^\x21-\x7e]/g, '?')}": no user name or password in a source reference`,
    'use --registry-auth FILE (a containers auth.json, as skopeo login writes it)');
}

/**
 * Parses a container-image source. Registry references need an explicit tag
 * or digest (an image is rebuilt from what it recorded, so "whatever latest
 * is today" is not assumed). Throws UsageError E_OCI_REFERENCE for a value
 * starting with `-`, holding control characters or spaces, longer than 1024
 * characters, a malformed registry reference, a user name or password in a
 * registry reference (masked in the message), or a relative path.
 */
export function parseOciSource(spec: string): OciSource {
  const found = PREFIXES.find(({ prefix }) => spec.startsWith(prefix));
  if (!found) throw refuse(spec, 'unknown transport');
  const rest = spec.slice(found.prefix.length);
  if (found.transport === 'docker') refuseCredentials(rest);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(spec)) throw refuse(spec, 'it holds spaces or control characters');
  if (spec.length > 1024) throw refuse(spec, 'it is longer than 1024 characters');
  if (rest === '' || rest.startsWith('-')) throw refuse(spec, 'nothing usable after the transport');
  if (found.transport === 'docker') {
    if (!DOCKER.test(rest)) {
      if (DOCKER.test(`${rest}:latest`)) throw refuse(spec, 'no tag or digest', `name the version, e.g. ${spec}:latest or ${spec}@sha256:DIGEST`);
      throw refuse(spec, 'not a registry reference (REGISTRY/REPO:TAG, lower-case repository)');
    }
    return { kind: 'oci', transport: 'docker', reference: rest };
  }
  if (found.transport === 'oci') {
    const colon = rest.indexOf(':');
    const dir = colon < 0 ? rest : rest.slice(0, colon);
    const tag = colon < 0 ? undefined : rest.slice(colon + 1);
    if (tag !== undefined && !LAYOUT_TAG.test(tag)) throw refuse(spec, `invalid tag ${JSON.stringify(tag)}`);
    const path = checkPath(spec, dir);
    return { kind: 'oci', transport: 'oci', reference: tag === undefined ? path : `${path}:${tag}`, path };
  }
  const path = checkPath(spec, rest);
  return { kind: 'oci', transport: found.transport, reference: path, path };
}

/** The source as `--source` takes it and image data stores it. */
export function formatOciSource(source: OciSource): string {
  return `${source.transport === 'docker' ? 'docker://' : `${source.transport}:`}${source.reference}`;
}

/** The registry reference pinned to `digest` (`docker://REGISTRY/REPO@sha256:...`), so the copy takes exactly what was inspected. */
export function pinnedDockerName(source: OciSource, digest: string): string {
  const at = source.reference.indexOf('@');
  const base = at >= 0 ? source.reference.slice(0, at) : source.reference.replace(new RegExp(`:${TAG}$`), '');
  return `docker://${base}@${digest}`;
}
