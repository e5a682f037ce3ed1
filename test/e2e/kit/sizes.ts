/** Sizes the kit records in its build figures. */
import { run } from '../../../src/system/runner.js';

/** Apparent size in bytes of everything under `dir` (du -sb, one file system). */
export async function directorySize(dir: string): Promise<number> {
  const { stdout } = await run(['du', '-sbx', dir], { timeoutMs: 5 * 60_000 });
  return Number(stdout.split(/\s/)[0]);
}

/** Bytes as MiB with one decimal, for logs and docs. */
export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
