/**
 * The NFS module's interactive menu: the original's three actions (create a
 * staging image, create a golden image from a staging image, manage the
 * nodes of a golden image), each asking for what it needs.
 */
import type { MenuAction } from '../contract.js';
import { countNodes } from '../../nodeset/index.js';
import type { CoreServices } from '../../core/core-services.js';
import { confirmCreation, freeImageName, nodeSet as nodeSetProblem } from '../menu-checks.js';
import { askOsRecipe, bootableKernels, recipeSummary } from '../os-questions.js';
import { GOLDEN_CLASS } from './golden-image.js';
import { addGoldenNodes, listGoldenNodes, removeGoldenNodes } from './golden-nodes.js';
import { STAGING_CLASS } from './staging-image.js';
import { prepareCreation } from '../../core/image/creation.js';

async function createdImages(services: CoreServices, className: string): Promise<string[]> {
  return (await services.images.list()).filter((s) => s.status === 'CREATED' && s.image_class === className).map((s) => s.name);
}

const createStaging: MenuAction = {
  label: 'Create a staging image (OS tree booted read-write over NFS)',
  async run(ui, services) {
    if ((await bootableKernels(services)).length === 0) {
      ui.print('No kernel with an initramfs: add one first (main menu, kernels).');
      return;
    }
    // Each answer is checked as it is given (the name first: a taken name must not cost the other answers).
    const name = await ui.ask('Name of the new staging image:', { validate: freeImageName(services) });
    const recipe = await askOsRecipe(ui, services);
    // The menu's answers go through the same preparation as the command line and the API.
    const options = await prepareCreation(services.images, STAGING_CLASS, name, recipe, { origin: 'cli' });
    if (!(await confirmCreation(ui, name, recipeSummary(recipe)))) return;
    await services.images.create(STAGING_CLASS, name, options);
    ui.print(`Staging image ${name} created.`);
  },
};

const createGolden: MenuAction = {
  label: 'Create a golden image from a staging image',
  async run(ui, services) {
    const stagings = await createdImages(services, STAGING_CLASS);
    if (stagings.length === 0) {
      ui.print('No staging image to copy: create one first.');
      return;
    }
    const from = stagings[await ui.choose('Staging image to copy', stagings)] as string;
    const name = await ui.ask('Name of the new golden image:', { validate: freeImageName(services) });
    if (!(await confirmCreation(ui, name, [['copy of', from]]))) return;
    await services.images.create(GOLDEN_CLASS, name, await prepareCreation(services.images, GOLDEN_CLASS, name, { from }, { origin: 'cli' }));
    ui.print(`Golden image ${name} created from ${from}.`);
  },
};

const manageNodes: MenuAction = {
  label: 'Manage the nodes of a golden image',
  async run(ui, services) {
    const goldens = await createdImages(services, GOLDEN_CLASS);
    if (goldens.length === 0) {
      ui.print('No golden image yet: create one first.');
      return;
    }
    const name = goldens[await ui.choose('Golden image', goldens)] as string;
    for (;;) {
      const listing = await listGoldenNodes(services, name);
      ui.print(`Nodes of ${name}: ${listing.nodes || '(none)'} (${countNodes(listing.count)})`);
      // "Back" (added by choose) leaves to the module's list; a bad node set is asked again here.
      const choice = await ui.choose('Action', ['Add nodes', 'Remove nodes']);
      const nodeSet = await ui.ask('Node set (e.g. c[001-100]):', { validate: nodeSetProblem });
      if (choice === 0) {
        const result = await addGoldenNodes(services, name, nodeSet, { progress: () => {} });
        ui.print(`Added ${countNodes(result.added.length)}${result.mode ? ` (${result.mode} copy)` : ''}.`);
      } else if (await ui.confirm(`Delete the NFS trees of ${nodeSet} in ${name}?`)) {
        const result = await removeGoldenNodes(services, name, nodeSet);
        ui.print(`Removed ${countNodes(result.removed.length)}.`);
      }
    }
  },
};

/** The menu actions, in the original's order. */
export const nfsMenu: MenuAction[] = [createStaging, createGolden, manageNodes];
