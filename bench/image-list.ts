/**
 * `disklessset image list --json` over 1,000 images, as a whole process
 * (start-up included), the way Ansible or a script calls it, against the
 * original's way in the same run: `original-image-list.py`, which reads
 * installations.yml and each image_data.yml with PyYAML's `safe_load` as the
 * original Python tool does (Debian's python3 and python3-yaml). The two are
 * run alternately, so both see the same machine load. Goal (issue 16): ours
 * at least 4x faster. `IMAGES`, `RUNS` and `VERSIONS` (kept versions per
 * image, 3 by default as `versions_kept`) change the size.
 */
import { createHash } from 'node:crypto';
import { link, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { CLI } from '../test/helpers/temp-root.js';
import { run } from '../src/system/runner.js';
import { Paths } from '../src/core/paths.js';
import { reportRows, seconds } from './table.js';


const IMAGES = Number(process.env.IMAGES ?? 1000);
const RUNS = Number(process.env.RUNS ?? 10);
/** Kept versions per image (issue 15: `versions_kept` defaults to 3). */
const VERSIONS = Number(process.env.VERSIONS ?? 3);
const GOAL = 4;
/** The Python script stays in the source tree (tsc does not copy it to dist/). */
const ORIGINAL = fileURLToPath(new URL('../../bench/original-image-list.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

async function timed(command: string[]): Promise<{ ms: number; stdout: string }> {
  const start = performance.now();
  const result = await run(command);
  return { ms: performance.now() - start, stdout: result.stdout };
}

function summary(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  return `median ${median(sorted).toFixed(0)} ms, best ${sorted[0]?.toFixed(0)} ms, worst ${sorted[sorted.length - 1]?.toFixed(0)} ms`;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'disklessset-bench-list-'));
  const paths = new Paths(root);
  try {
    await mkdir(paths.stateDir, { recursive: true });
    // Empty, as the tool leaves it when no build is in progress.
    await writeFile(paths.installationsFile, '');
    for (let i = 0; i < IMAGES; i += 1) {
      const name = `image-${String(i).padStart(4, '0')}`;
      const dir = paths.imageDir(name);
      await mkdir(dir, { recursive: true });
      // Kept versions, complete and in line (what the start-of-command repair looks at in every image folder).
      const ids = Array.from({ length: VERSIONS }, (_, k) => createHash('sha256').update(`${name}/${k}`).digest('hex').slice(0, 12));
      for (const id of ids) {
        await writeFile(join(dir, `version-${id}.yml`), `id: ${id}\ndate: 2026-11-25T00:00:00.000Z\nrootSha256: ${'0'.repeat(64)}\ncommand: livenet create ${name}\n`);
        for (const file of [`squashfs-${id}.img`, `boot-${id}.ipxe`, `squashfs-${id}.img.torrent`, `squashfs-${id}.img.sha256`]) await writeFile(join(dir, file), '');
      }
      if (ids[0]) {
        await link(join(dir, `squashfs-${ids[0]}.img`), join(dir, 'squashfs.img'));
        await link(join(dir, `boot-${ids[0]}.ipxe`), join(dir, 'boot.ipxe'));
      }
      await writeFile(join(dir, 'image_data.yml'), [
        'image_data:', `  name: ${name}`, '  image_class: LivenetImage', '  kernel: vmlinuz-6.1.0-28-amd64',
        '  image: initramfs-kernel-6.1.0-28-amd64', "  password: $6$salt$hash", '  livenet_type: standard',
        '  livenet_size: 5120', '  selinux: false', '  additional_packages: [vim, htop]', '  creation_date: 2026-11-25',
        ...(ids[0] ? [`  version: ${ids[0]}`] : []), ''].join('\n'));
    }
    const ours: number[] = [];
    const original: number[] = [];
    let counts = [0, 0];
    const before = loadavg()[0] ?? 0;
    for (let r = 0; r < RUNS; r += 1) {
      const mine = await timed([process.execPath, CLI, '--root', root, 'image', 'list', '--json']);
      ours.push(mine.ms);
      const theirs = await timed([PYTHON, ORIGINAL, paths.installationsFile, paths.imagesDir]);
      original.push(theirs.ms);
      counts = [(JSON.parse(mine.stdout) as unknown[]).length, (JSON.parse(theirs.stdout) as unknown[]).length];
    }
    const ratio = median(original) / median(ours);
    console.log(`image list --json over ${counts[0]} images (original's way read ${counts[1]}), whole processes, ${RUNS} runs each, alternating`);
    console.log(`  load average ${before.toFixed(2)} before, ${(loadavg()[0] ?? 0).toFixed(2)} after`);
    console.log(`  disklessset:                      ${summary(ours)}`);
    console.log(`  original's way (PyYAML safe_load): ${summary(original)}`);
    reportRows([{
      work: `image list --json, ${IMAGES} images, whole process`, ours: seconds(median(ours)),
      reference: `python3 + PyYAML ${seconds(median(original))}`, ratio, goal: `>= ${GOAL}x`, met: ratio >= GOAL,
    }]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
