/** The livenet module's interactive menu: the original's four actions and prompts, plus rebuild. */
import type { MenuAction, MenuUi } from '../contract.js';
import type { CoreServices } from '../../core/core-services.js';
import { confirmCreation, freeImageName, problemOf } from '../menu-checks.js';
import { askOsRecipe, bootableKernels, recipeSummary } from '../os-questions.js';
import { parseSize } from './options.js';
import { prepareCreation } from '../../core/image/creation.js';
import { mountLivenet, unmountLivenet } from './editing.js';
import { resizeLivenet } from './maintenance.js';

function sizeProblem(answer: string): Promise<string | undefined> {
  return problemOf(() => parseSize(answer));
}

/** Asks the user to pick a livenet image, optionally only mounted (or unmounted) ones. */
async function chooseImage(ui: MenuUi, services: CoreServices, mounted?: boolean): Promise<string | undefined> {
  const names = (await services.images.list())
    .filter((s) => s.status === 'CREATED' && s.image_class === 'LivenetImage')
    .filter((s) => mounted === undefined || (s.attributes?.is_mounted === true) === mounted)
    .map((s) => s.name);
  if (names.length === 0) {
    ui.print(mounted ? 'No livenet image is mounted.' : 'No livenet image to choose from.');
    return undefined;
  }
  return names[await ui.choose('Select an image:', names)];
}

const create: MenuAction = {
  label: 'Create a new livenet image',
  async run(ui, services) {
    if ((await bootableKernels(services)).length === 0) {
      ui.print('No kernel with an initramfs is available: add one first (disklessset kernel add / initramfs).');
      return;
    }
    // Each answer is checked as it is given (the name first: a taken name must not cost the other answers).
    const name = await ui.ask('Give a name for the new image:', { validate: freeImageName(services) });
    const recipe = await askOsRecipe(ui, services);
    const size = await ui.ask('Give the image size (e.g. 5120M or 5G):', { default: '5G', validate: sizeProblem });
    // The menu's answers go through the same preparation as the command line and the API.
    const options = await prepareCreation(services.images, 'LivenetImage', name, { ...recipe, size }, { origin: 'cli' });
    if (!(await confirmCreation(ui, name, recipeSummary({ ...recipe, size })))) return;
    const image = await services.images.create('LivenetImage', name, options, {
      progress: (event) => { if (event.type === 'step') ui.print(`[${event.index}/${event.total}] ${event.step}`); },
    });
    ui.print(`Livenet image ${image.name} created.`);
  },
};

const mount: MenuAction = {
  label: 'Mount a livenet image (edit it)',
  async run(ui, services) {
    const name = await chooseImage(ui, services, false);
    if (!name) return;
    const result = await mountLivenet(services, name);
    ui.print(`Image ${name} mounted at ${result.mountPoint}; Ansible inventory: ${result.inventory}`);
  },
};

const unmount: MenuAction = {
  label: 'Unmount a livenet image (publish the edits)',
  async run(ui, services) {
    const name = await chooseImage(ui, services, true);
    if (!name) return;
    await unmountLivenet(services, name);
    ui.print(`Image ${name} unmounted and republished.`);
  },
};

const resize: MenuAction = {
  label: 'Resize a livenet image',
  async run(ui, services) {
    const name = await chooseImage(ui, services, false);
    if (!name) return;
    const size = await ui.ask('Give the new size (e.g. 5120M or 5G):', { validate: sizeProblem });
    if (!(await ui.confirm(`Resize image ${name} to ${size}?`))) return;
    await resizeLivenet(services, name, parseSize(size));
    ui.print(`Image ${name} resized.`);
  },
};

const rebuild: MenuAction = {
  label: 'Rebuild a livenet image from its recipe',
  async run(ui, services) {
    const name = await chooseImage(ui, services, false);
    if (!name) return;
    if (!(await ui.confirm(`Rebuild image ${name}? Nodes keep booting the current one until the new one is ready.`))) return;
    // The one rebuild path (ImageManager), shared with `image rebuild`, `livenet rebuild` and the API.
    const { warnings } = await services.images.rebuild(name, {
      progress: (event) => { if (event.type === 'step') ui.print(`[${event.index}/${event.total}] ${event.step}`); },
    });
    for (const warning of warnings) ui.print(`warning: ${warning}`);
    ui.print(`Image ${name} rebuilt.`);
  },
};

/** Menu entries: the original's four, in its order, then rebuild (the same path as `image rebuild`). */
export const livenetMenu: MenuAction[] = [create, mount, unmount, resize, rebuild];
