/**
 * `disklessset image list --json` over 1,000 images, as a whole process
 * (start-up included), the way Ansible or a script calls it. The original
 * Python tool needs about 1.7 s for this on this machine type (figure from the
 * project's issue 2; the original cannot be installed here to rerun it).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLI } from '../test/helpers/temp-root.js';
import { run } from '../src/system/runner.js';
import { Paths } from '../src/core/paths.js';

const IMAGES = 1000;
const RUNS = 10;

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'disklessset-bench-list-'));
  const paths = new Paths(root);
  try {
    for (let i = 0; i < IMAGES; i += 1) {
      const name = `image-${String(i).padStart(4, '0')}`;
      await mkdir(paths.imageDir(name), { recursive: true });
      await writeFile(join(paths.imageDir(name), 'image_data.yml'), [
        'image_data:', `  name: ${name}`, '  image_class: LivenetImage', '  kernel: vmlinuz-6.1.0-28-amd64',
        '  image: initramfs-kernel-6.1.0-28-amd64', "  password: $6$salt$hash", '  livenet_type: standard',
        '  livenet_size: 5120', '  selinux: false', '  additional_packages: [vim, htop]', '  creation_date: 2026-11-25', ''].join('\n'));
    }
    const times: number[] = [];
    let count = 0;
    for (let r = 0; r < RUNS; r += 1) {
      const start = performance.now();
      const result = await run([process.execPath, CLI, '--root', root, 'image', 'list', '--json']);
      times.push(performance.now() - start);
      count = (JSON.parse(result.stdout) as unknown[]).length;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(RUNS / 2)] ?? 0;
    console.log(`image list --json over ${count} images, whole process, ${RUNS} runs`);
    console.log(`  median ${median.toFixed(0)} ms, best ${times[0]?.toFixed(0)} ms, worst ${times[RUNS - 1]?.toFixed(0)} ms`);
    console.log(`  original tool (issue 2 figure): 1700 ms -> ratio ${(1700 / median).toFixed(1)}x faster`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
