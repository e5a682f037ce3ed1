/**
 * What a failed skopeo or umoci call means to the user, read from its
 * stderr: an image that does not exist (or is hidden behind a login), a
 * registry that cannot be reached, an archive or layout that cannot be read.
 * The runner's CommandError (command, exit code, stderr) stays the cause;
 * the one line names the source, the step and skopeo's own reason.
 */
import { DisklessError, NotFoundError, UnavailableError, UsageError } from '../../errors/index.js';
import { CommandError } from '../../system/runner.js';
import { formatOciSource } from './oci-reference.js';
import type { OciSource } from './os-request.js';

/** Which call failed. */
export type PullStep = 'inspect' | 'copy' | 'unpack';

const NOT_FOUND = /manifest unknown|name unknown|repository name not known|not found|unauthorized|authentication required|access to the resource is denied|denied/i;
/** What a registry answers to a login it does not accept (the same as to no login). */
const AUTH_REFUSED = /unauthorized|authentication required|invalid username|incorrect username/i;
const TLS = /server gave HTTP response to HTTPS client|x509:|certificate|tls:/i;
const UNREACHABLE = /connection refused|no such host|i\/o timeout|network is unreachable|no route to host|connection reset|dial tcp|lookup .*: |TLS handshake timeout|pinging container registry/i;
const DAMAGED = /unexpected EOF|EOF|archive\/tar|invalid tar|gzip|digest|checksum|invalid|index\.json|manifest|oci-layout|no such file|not a directory|unknown blob|untarring|blob/i;

/** skopeo's reason, without its log prefix and the repeated image name: the last two `: `-separated parts, de-duplicated. */
export function skopeoReason(stderr: string): string {
  const lines = stderr.trim().split('\n').filter((line) => line.trim() !== '');
  const last = lines.at(-1) ?? '';
  const message = /msg="(.*)"\s*$/.exec(last)?.[1]?.replace(/\\"/g, '"') ?? last;
  const parts = message.split(': ').filter((part, index, all) => part !== all[index - 1]);
  return parts.slice(-2).join(': ').slice(0, 300);
}

/**
 * The typed error for a failure of `step` on `source` (`authGiven`: an auth file was handed to skopeo). Aborts, timeouts and
 * missing programs stay the runner's CommandError; a DisklessError passes
 * through. The result's `cause` is the original error.
 * @returns NotFoundError E_OCI_NOT_FOUND (manifest or repository unknown, or
 * hidden behind a login), UsageError E_REGISTRY_AUTH (a login refused while an
 * auth file was given), UnavailableError E_OCI_UNREACHABLE (connection
 * refused, unknown host, TLS mismatch), UsageError E_OCI_ARCHIVE (an archive
 * or layout that cannot be read), or the error itself.
 */
export function pullFailure(error: unknown, source: OciSource, step: PullStep, authGiven = false): Error {
  if (error instanceof DisklessError && !(error instanceof CommandError)) return error;
  if (error instanceof CommandError && error.failure !== 'exit-code') return error;
  const name = formatOciSource(source);
  const stderr = error instanceof CommandError ? error.stderr : (error as Error).message;
  const reason = skopeoReason(stderr);
  const tool = error instanceof CommandError ? `${error.command.slice(0, 2).join(' ')} exited ${error.exitCode}: ` : '';
  const detail = `(${tool}${reason})`;
  const cause = { cause: error };
  if (source.transport === 'docker' && step !== 'unpack') {
    if (TLS.test(stderr)) {
      return new UnavailableError('E_OCI_UNREACHABLE', `cannot talk TLS to the registry of ${name} ${detail}`,
        'a lab registry served over plain HTTP or with a self-signed certificate needs --tls-verify=false', cause);
    }
    if (UNREACHABLE.test(stderr) && !/manifest unknown|name unknown/i.test(stderr)) {
      return new UnavailableError('E_OCI_UNREACHABLE', `cannot reach the registry of ${name} ${detail}`,
        'check the registry address and port, and that it is running', cause);
    }
    if (authGiven && AUTH_REFUSED.test(stderr)) {
      return new UsageError('E_REGISTRY_AUTH', `the registry of ${name} refused the credentials of the --registry-auth file ${detail}`,
        'check the user name and password kept for this registry in that file (skopeo login --authfile FILE REGISTRY writes them)', cause);
    }
    if (NOT_FOUND.test(stderr)) {
      return new NotFoundError('E_OCI_NOT_FOUND', `image ${name} not found ${detail}`,
        'check the repository and tag (skopeo list-tags docker://REGISTRY/REPO); a private registry needs --registry-auth FILE', cause);
    }
    return error instanceof Error ? error : new Error(String(error));
  }
  if (source.transport !== 'docker' && (step === 'inspect' || DAMAGED.test(stderr))) {
    return new UsageError('E_OCI_ARCHIVE', `cannot read the image in ${name} ${detail}`,
      'give a complete archive or layout (made by skopeo copy, podman save or docker save)', cause);
  }
  return error instanceof Error ? error : new Error(String(error));
}
