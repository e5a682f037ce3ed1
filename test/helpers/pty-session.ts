/**
 * Runs a program in a real pseudo-terminal, for tests of what a user sees
 * and types. There is no native pty binding here: python3's `pty` module
 * forks the program on a new terminal and relays bytes (our stdin to the
 * terminal, the terminal to our stdout). The program and its arguments go
 * through as an argument array, never a shell.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** Relays bytes between its stdin/stdout and a program on a new 40x120 terminal; exits with the program's code. */
const RELAY = `
import fcntl, os, pty, select, struct, sys, termios
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 120, 0, 0))
    os.execvp(sys.argv[1], sys.argv[1:])
reading = [fd, 0]
while True:
    ready = select.select(reading, [], [])[0]
    if fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        os.write(1, data)
    if 0 in ready:
        data = os.read(0, 65536)
        if data:
            os.write(fd, data)
        else:
            reading = [fd]
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
`;

/** Terminal control sequences (colours, cursor moves, line erasing): removed before looking for text. */
// eslint-disable-next-line no-control-regex
const CONTROL = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>78]/g;

/** Keys as a terminal sends them. */
export const KEY = { enter: '\r', down: '\x1b[B', up: '\x1b[A', backspace: '\x7f', ctrlC: '\x03', escape: '\x1b' } as const;

export class PtySession {
  private readonly child: ChildProcessWithoutNullStreams;
  private raw = '';
  /** Where the next `waitFor` starts looking, in the text without control sequences. */
  private seen = 0;
  private waiter?: () => void;
  /** The exit code of the program. */
  readonly exited: Promise<number>;

  constructor(argv: readonly string[], env: NodeJS.ProcessEnv) {
    this.child = spawn('python3', ['-c', RELAY, ...argv], { env: { ...env, TERM: 'xterm' } });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.raw += chunk;
      this.waiter?.();
    });
    this.child.stderr.on('data', (chunk: Buffer) => { this.raw += chunk.toString(); });
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code) => {
        this.waiter?.();
        resolve(code ?? -1);
      });
    });
  }

  /** Everything shown so far, without control sequences. */
  get text(): string {
    return this.raw.replace(CONTROL, '');
  }

  /**
   * Resolves once `wanted` shows after the previous match (then looks after
   * it next time). The timeout only guards against a hang: it fails the test
   * with what the screen showed.
   */
  async waitFor(wanted: string | RegExp, hangGuardMs = 120_000): Promise<void> {
    const found = () => {
      const text = this.text;
      const rest = text.slice(this.seen);
      const match = typeof wanted === 'string' ? { index: rest.indexOf(wanted), length: wanted.length } : (() => {
        const m = wanted.exec(rest);
        return { index: m ? m.index : -1, length: m?.[0].length ?? 0 };
      })();
      if (match.index < 0) return false;
      this.seen += match.index + match.length;
      return true;
    };
    if (found()) return;
    await new Promise<void>((resolve, reject) => {
      const guard = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`"${String(wanted)}" never showed; the screen showed:\n${this.text.slice(-3000)}`));
      }, hangGuardMs);
      this.waiter = () => {
        if (found() || this.child.exitCode !== null) {
          clearTimeout(guard);
          this.waiter = undefined;
          if (this.child.exitCode !== null && !found()) reject(new Error(`the program ended before "${String(wanted)}":\n${this.text.slice(-3000)}`));
          else resolve();
        }
      };
    });
  }

  /** Types keys on the terminal. */
  type(keys: string): void {
    this.child.stdin.write(keys);
  }

  /** Ends the session if the program is still running (after a failed test). */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}
