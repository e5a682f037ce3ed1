/**
 * DemoImage: an example image class. It stores a message, creates a folder and
 * a temporary file outside its image folder, and can pause or crash half-way so
 * that IN_CREATION and the cleaning of CORRUPTED images can be seen and tested.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoBootFile } from '../../boot/ipxe.js';
import { requireKnownKeys } from '../../core/raw-options.js';
import { UsageError } from '../../errors/index.js';
import { validateImageName } from '../../core/names.js';
import type { ImageContext } from '../../core/image/context.js';
import type { BuildJournal } from '../../core/image/build-journal.js';
import { Image, type CreationRequest, type ImageClass } from '../../core/image/image.js';
import type { ImageData } from '../../core/image/image-data.js';
import { StepReporter } from '../../core/progress.js';

/** Options of a demo image. */
export interface DemoOptions {
  message: string;
  /** Seconds to pause mid-build. */
  delay?: number;
  /** Kill the process mid-build, as a crash would. */
  crash?: boolean;
}

function demoFolder(context: ImageContext, name: string): string {
  return join(context.paths.demoDir, `demo_directory_${validateImageName(name)}`);
}

function demoTemporaryFile(context: ImageContext, name: string): string {
  return join(context.paths.workDir, `demo_${validateImageName(name)}.tmp`);
}

/** A demo image: `my_message` in its data, a folder `demo_directory_<name>` and an iPXE file that echoes the message. */
export class DemoImage extends Image {
  override get kindPhrase(): string { return 'a demo image'; }
  get message(): string { return String(this.data.my_message ?? ''); }


  bootFile(): string {
    return demoBootFile(this.name, this.message);
  }
}

/**
 * Checks raw options (CLI, API, spec file).
 * @throws UsageError E_UNKNOWN_OPTION, E_DEMO_MESSAGE (missing, or over 1000
 * characters), E_DEMO_DELAY (not 0 to 3600 seconds).
 */
export function parseDemoOptions(raw: Record<string, unknown>): DemoOptions {
  requireKnownKeys(raw, ['message', 'delay', 'crash'], 'the demo image options');
  const { message, delay, crash } = raw;
  if (typeof message !== 'string' || message.length === 0 || message.length > 1000) {
    throw new UsageError('E_DEMO_MESSAGE', 'the demo image needs a message of 1 to 1000 characters', 'pass --message TEXT');
  }
  const delaySeconds = delay === undefined ? undefined : Number(delay);
  if (delaySeconds !== undefined && (!Number.isFinite(delaySeconds) || delaySeconds < 0 || delaySeconds > 3600)) {
    throw new UsageError('E_DEMO_DELAY', `invalid delay "${String(delay)}"`, 'give a number of seconds from 0 to 3600');
  }
  return { message, delay: delaySeconds, crash: crash === true || crash === 'true' };
}

export const DemoImageClass: ImageClass<DemoOptions> = {
  className: 'DemoImage',
  description: 'example image holding a message (for learning and testing)',

  load(context: ImageContext, data: ImageData): Image {
    return new DemoImage(context, data);
  },

  async create(context: ImageContext, journal: BuildJournal, name: string, options: DemoOptions): Promise<Image> {
    const steps = new StepReporter(journal.progress, 3);
    steps.step('create demo folder');
    await journal.makeDir(demoFolder(context, name));
    await writeFile(join(demoFolder(context, name), '.keep'), 'demo\n');
    steps.step('write temporary file');
    const temporary = await journal.trackPath(demoTemporaryFile(context, name));
    await writeFile(temporary, options.message);
    if (options.delay) await sleep(options.delay * 1000, undefined, { signal: journal.signal });
    if (options.crash) {
      // Simulates a crash for tests and demonstrations: no cleanup can run.
      process.kill(process.pid, 'SIGKILL');
    }
    journal.checkAborted();
    steps.step('finish');
    await rm(temporary, { force: true });
    return new DemoImage(context, { name, image_class: 'DemoImage', my_message: options.message });
  },

  async clean(context: ImageContext, name: string): Promise<void> {
    await rm(demoFolder(context, name), { recursive: true, force: true });
    await rm(demoTemporaryFile(context, name), { force: true });
  },

  ownedPaths(context: ImageContext, name: string): string[] {
    return [demoFolder(context, name), demoTemporaryFile(context, name)];
  },

  parseOptions: parseDemoOptions,

  async prepare(_context: ImageContext, raw: Record<string, unknown>, request: CreationRequest): Promise<DemoOptions> {
    const options = parseDemoOptions(raw);
    // A simulated crash kills the process that builds: for an API request, the server itself.
    if (options.crash && request.origin === 'api') {
      throw new UsageError('E_API_CRASH_REFUSED', 'a simulated crash would kill the API server', 'use the CLI to try crashes');
    }
    return options;
  },
};
