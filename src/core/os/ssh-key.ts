/**
 * SSH public keys for root's authorized_keys: the one check of their text
 * and the one reader of a key file, for every door (CLI, spec file, API,
 * stored recipe).
 */
import { UsageError } from '../../errors/index.js';
import { readInputFile } from '../input-file.js';

/** A line of authorized_keys: optional options, then a key type OpenSSH knows. */
const KEY_LINE = /^(ssh-|ecdsa-|sk-|[a-z0-9-]+@openssh\.com)/;

/** Whether every non-comment line of `text` is an SSH public key (at least one). */
export function isSshPublicKey(text: string): boolean {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  return lines.length > 0 && lines.every((l) => KEY_LINE.test(l.replace(/^\S+="[^"]*"\s+/, '')));
}

/**
 * Returns the key lines of `text` joined by newlines (comments and blank
 * lines dropped); throws UsageError E_SSH_KEY unless every line is a public
 * key (a private key is refused). `what` names the input in the message.
 */
export function requireSshPublicKey(text: string, what: string): string {
  if (!isSshPublicKey(text)) {
    throw new UsageError('E_SSH_KEY', `${what} does not look like an SSH public key`, 'give a .pub file or its text (never the private key)');
  }
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).join('\n');
}

/** Reads and checks an SSH public key file. Throws UsageError E_FILE_NOT_FOUND, E_NOT_REGULAR_FILE, E_SSH_KEY. */
export async function readSshKeyFile(file: string): Promise<string> {
  const text = await readInputFile(file, 'the SSH public key', 'give the path of a readable .pub file');
  return requireSshPublicKey(text, file);
}
