/**
 * The interactive main menu with the original's 8 actions. Every list below
 * it ends with "Back" (one level up); Ctrl-C inside an action returns here;
 * Ctrl-C or ESC at the main menu leaves.
 */
import type { Services } from '../../services/services.js';
import { DisklessError } from '../../errors/index.js';
import { MenuBack, MenuInterrupted, type MenuUi } from './menu-ui.js';
import { renderImageTable } from '../image-text.js';
import { listImageStates } from '../../modules/image-state.js';
import { problemOf } from '../../modules/menu-checks.js';

async function pickImage(ui: MenuUi, services: Services, statuses: string[], title: string): Promise<string | undefined> {
  const images = (await services.images.list()).filter((i) => statuses.includes(i.status));
  if (images.length === 0) {
    ui.print('No image to choose from.');
    return undefined;
  }
  return images[await ui.choose(title, images.map((i) => `${i.name} (${i.status}, ${i.image_class ?? '?'})`))]?.name;
}

async function pickKernel(ui: MenuUi, services: Services, onlyAvailable: boolean): Promise<string | undefined> {
  const kernels = (await services.kernels.list()).filter((k) => !onlyAvailable || k.initramfs_present);
  if (kernels.length === 0) {
    ui.print(onlyAvailable ? 'No kernel with an initramfs.' : 'No kernel.');
    return undefined;
  }
  return kernels[await ui.choose('Which kernel?', kernels.map((k) => k.kernel))]?.kernel;
}


const ACTIONS: { label: string; mutates: boolean; run(ui: MenuUi, services: Services): Promise<void> }[] = [
  { label: 'Manage or create images (through a module)', mutates: true, async run(ui, services) {
    const modules = services.activeModules.filter((m) => m.menu && m.menu.length > 0);
    if (modules.length === 0) return ui.print('No module offers a menu.');
    // "Back" in the module list goes to the main menu; in a module's list or inside its action, to the module list.
    for (;;) {
      const module = modules[await ui.choose('Which module?', modules.map((m) => `${m.name} - ${m.description}`))];
      const actions = module?.menu ?? [];
      try {
        const action = actions[await ui.choose(`${module?.name} module`, actions.map((a) => a.label))];
        await action?.run(ui, services);
        return;
      } catch (error) {
        if (!(error instanceof MenuBack)) throw error;
      }
    }
  } },
  { label: 'List images', mutates: false, async run(ui, services) {
    ui.print(renderImageTable(await listImageStates(services)));
  } },
  { label: 'Remove an image', mutates: true, async run(ui, services) {
    const name = await pickImage(ui, services, ['CREATED'], 'Which image to remove?');
    if (name && await ui.confirm(`Remove image ${name} and all its files?`)) {
      await services.images.remove(name);
      ui.print(`Image ${name} removed.`);
    }
  } },
  { label: "Change an image's kernel", mutates: true, async run(ui, services) {
    const name = await pickImage(ui, services, ['CREATED'], 'Which image?');
    const kernel = name ? await pickKernel(ui, services, true) : undefined;
    if (name && kernel && await ui.confirm(`Make ${name} boot ${kernel}?`)) {
      await services.images.setKernel(name, kernel);
      ui.print(`Image ${name} now boots ${kernel}.`);
    }
  } },
  { label: 'List kernels', mutates: false, async run(ui, services) {
    const kernels = await services.kernels.list();
    ui.print(kernels.length ? kernels.map((k) => `  ${k.kernel}: ${k.initramfs_present ? 'initramfs present' : `missing ${k.initramfs}`}`).join('\n') : 'No kernels.');
  } },
  { label: 'Generate an initramfs', mutates: true, async run(ui, services) {
    const kernel = await pickKernel(ui, services, false);
    if (!kernel) return;
    // As `kernel initramfs --chroot TREE`: dracut inside an OS tree, so the modules match that tree's kernel.
    const where = await ui.choose('Where should dracut run?', ['On this host', 'Inside an OS tree (chroot)']);
    const chroot = where === 1 ? await ui.ask('Folder of the OS tree:', { validate: (answer) => problemOf(() => services.kernels.checkChroot(answer)) }) : undefined;
    if (await ui.confirm(`Generate the initramfs of ${kernel} with dracut${chroot ? ` inside ${chroot}` : ''}?`)) {
      const result = await services.kernels.generateInitramfs(kernel, { chroot });
      if (result.skippedModules.length) ui.print(`warning: dracut modules not available and skipped: ${result.skippedModules.join(', ')}`);
      if (!result.fetchModule) ui.print('note: no aria2c, so no diskless-fetch module (root image failover and peer-to-peer) in this initramfs');
      ui.print('Initramfs generated.');
    }
  } },
  { label: 'Clear a corrupted image', mutates: false, async run(ui, services) {
    const name = await pickImage(ui, services, ['CREATED', 'CORRUPTED'], 'Which image to clear?');
    if (name && await ui.confirm(`Clear image ${name}? Every file it may have left is deleted.`)) {
      await services.images.clean(name);
      ui.print(`Image ${name} cleared.`);
    }
  } },
];

/** Runs the menu until the user exits. */
export async function runMainMenu(ui: MenuUi, services: Services): Promise<void> {
  for (;;) {
    let choice: number;
    try {
      choice = await ui.choose('disklessset - main menu', [...ACTIONS.map((a) => a.label), 'Exit'], { back: false });
    } catch (error) {
      if (error instanceof MenuInterrupted) return;
      throw error;
    }
    const action = ACTIONS[choice];
    if (!action) return;
    try {
      if (action.mutates) {
        const cleaned = await services.images.cleanCorrupted();
        if (cleaned.length) ui.print(`Cleaned corrupted image(s): ${cleaned.join(', ')}`);
      }
      await action.run(ui, services);
    } catch (error) {
      if (error instanceof MenuBack) continue;
      if (error instanceof MenuInterrupted) ui.print('Back to the main menu.');
      else if (error instanceof DisklessError) ui.print(`Error: ${error.oneLine}`);
      else throw error;
    }
  }
}
