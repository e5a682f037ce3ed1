/** Finds the aria2c processes a seeder started, by the peer port on their command line (for tests that check none is left). */
import { readdir, readFile } from 'node:fs/promises';

/** Pids of the aria2c processes whose command line names `--listen-port=PORT`. */
export async function aria2cOnPort(port: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'latin1').catch(() => '')).split('\0');
    if (argv[0]?.endsWith('aria2c') && argv.includes(`--listen-port=${port}`)) pids.push(Number(entry));
  }
  return pids;
}
