/**
 * The one rule for values that come from users, config or image data and go
 * into an iPXE script (names, kernel file names, URL paths, console
 * arguments, messages).
 *
 * iPXE reads a script line by line, splits each line at whitespace, expands
 * `${...}` anywhere in it and treats quotes and backslashes as quoting. A
 * value holding any of these would change what the node runs, so:
 * - a **word** (a name, a file name, a path) must hold none of them, nor
 *   whitespace: it is refused ({@link ipxeWord});
 * - **text** where spaces are meant (console arguments, messages shown on
 *   the console) has each such character replaced by a space ({@link ipxeText});
 * - **arguments** (a node's kernel arguments) are words separated by spaces:
 *   each must be a word, and none may be a word iPXE reads as the end of a
 *   command (`;`, `||`, `&&`) or the start of a comment (`#...`): they are
 *   refused ({@link ipxeArguments}). Nothing is silently changed there, since
 *   a changed kernel argument would boot the node differently than asked.
 */
import { UsageError } from '../../errors/index.js';

/** `$` starts an expansion; quotes and backslash change how iPXE splits a line. */
const ACTIVE_CHARACTERS = '$"\'\\';

/** Whether iPXE would act on `char`: control characters (a newline ends the command) and the characters above. */
function isActive(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || ACTIVE_CHARACTERS.includes(char);
}

/**
 * Returns `value` unchanged when it can stand as one iPXE argument: not
 * empty, no whitespace, no control character, no `$`, quote or backslash.
 * `what` names the value in the error (e.g. `kernel`).
 * @throws UsageError `E_IPXE_VALUE` otherwise.
 */
export function ipxeWord(value: string, what: string): string {
  const bad = [...value].find((char) => isActive(char) || /\s/u.test(char));
  if (value.length === 0 || bad !== undefined) {
    throw new UsageError('E_IPXE_VALUE', `${what} ${JSON.stringify(value)} cannot be written into an iPXE script`,
      'use a value without spaces, quotes, backslashes, "$" or control characters');
  }
  return value;
}

/** `value` with every character iPXE would act on replaced by a space, so it stays one line of literal text. */
export function ipxeText(value: string): string {
  return [...value].map((char) => (isActive(char) ? ' ' : char)).join('');
}

/** Words iPXE reads as the end of a command (exec.c's terminators); a word starting with `#` starts a comment. */
const TERMINATORS: readonly string[] = [';', '||', '&&'];

/**
 * Returns `value`'s words joined by single spaces when each can stand as an
 * iPXE argument ({@link ipxeWord}) and none ends a command or starts a
 * comment; '' for a value holding no word. `what` names the value in the error.
 * Such words keep their meaning when a variable holding them is expanded on
 * the kernel line (iPXE expands, then splits at whitespace).
 * @throws UsageError `E_IPXE_VALUE` otherwise.
 */
export function ipxeArguments(value: string, what: string): string {
  const words = value.split(/[ \t]+/u).filter((word) => word.length > 0);
  for (const word of words) {
    ipxeWord(word, what);
    if (TERMINATORS.includes(word) || word.startsWith('#')) {
      throw new UsageError('E_IPXE_VALUE', `${what} ${JSON.stringify(value)} cannot be written into an iPXE script: ${JSON.stringify(word)} would end the command`,
        'remove that word (";", "||", "&&" and words starting with "#" end an iPXE command)');
    }
  }
  return words.join(' ');
}
