/**
 * The NFS module's interactive menu: the original's three actions (create a
 * staging image, create a golden image from a staging image, manage the
 * nodes of a golden image), each asking for what it needs.
 */
import type { MenuAction, MenuUi } from '../contract.js';
import type { CoreServices } from '../../core/core-services.js';
import { readPasswordInput } from '../../core/os/password.js';
import { OS_TYPES, defaultSource } from '../../core/os/sources.js';
import { confirmCreation, freeImageName, nodeSet as nodeSetProblem, packageNames, releaseName, sshKeyFile, usableSource } from '../menu-checks.js';
import { GOLDEN_CLASS } from './golden-image.js';
import { addGoldenNodes, listGoldenNodes, removeGoldenNodes } from './golden-nodes.js';
import { STAGING_CLASS } from './staging-image.js';
import { prepareCreation } from '../../core/image/creation.js';

async function createdImages(services: CoreServices, className: string): Promise<string[]> {
  return (await services.images.list()).filter((s) => s.status === 'CREATED' && s.image_class === className).map((s) => s.name);
}

async function askPasswordHash(ui: MenuUi): Promise<string> {
  for (;;) {
    const first = await ui.ask('Root password of the image:', { secret: true });
    const again = await ui.ask('Same password again:', { secret: true });
    if (first === again) return readPasswordInput({ stdin: first });
    ui.print('The passwords differ, try again.');
  }
}

const createStaging: MenuAction = {
  label: 'Create a staging image (OS tree booted read-write over NFS)',
  async run(ui, services) {
    const kernels = (await services.kernels.list()).filter((k) => k.initramfs_present).map((k) => k.kernel);
    if (kernels.length === 0) {
      ui.print('No kernel with an initramfs: add one first (main menu, kernels).');
      return;
    }
    // Each answer is checked as it is given (the name first: a taken name must not cost the other answers).
    const name = await ui.ask('Name of the new staging image:', { validate: freeImageName(services) });
    const kernel = kernels[await ui.choose('Kernel to boot', kernels)] as string;
    const source = await ui.ask('OS source (dnf, debootstrap, mmdebstrap, tar:PATH, dir:PATH):', { default: await defaultSource(),
      validate: usableSource(services) });
    const type = OS_TYPES[await ui.choose('Type', ['core (minimal)', 'small', 'standard'])];
    const release = await ui.ask('Release (empty for the host\'s):', { allowEmpty: true, validate: releaseName });
    const packages = await ui.ask('Extra packages (space separated, empty for none):', { allowEmpty: true, validate: packageNames });
    const passwordHash = await askPasswordHash(ui);
    const keyFile = await ui.ask('SSH public key file for root (empty for none):', { allowEmpty: true, validate: sshKeyFile });
    // The menu's answers go through the same preparation as the command line and the API.
    const options = await prepareCreation(services.images, STAGING_CLASS, name, {
      kernel, source, type, release: release || undefined, packages, password_hash: passwordHash, ssh_key: keyFile || undefined,
    }, { origin: 'cli' });
    if (!(await confirmCreation(ui, name, [['kernel', kernel], ['source', source], ['type', String(type)], ['release', release],
      ['packages', packages], ['SSH key', keyFile]]))) return;
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
      ui.print(`Nodes of ${name}: ${listing.nodes || '(none)'} (${listing.count})`);
      // "Back" (added by choose) leaves to the module's list; a bad node set is asked again here.
      const choice = await ui.choose('Action', ['Add nodes', 'Remove nodes']);
      const nodeSet = await ui.ask('Node set (e.g. c[001-100]):', { validate: nodeSetProblem });
      if (choice === 0) {
        const result = await addGoldenNodes(services, name, nodeSet, { progress: () => {} });
        ui.print(`Added ${result.added.length} nodes${result.mode ? ` (${result.mode} copy)` : ''}.`);
      } else if (await ui.confirm(`Delete the NFS trees of ${nodeSet} in ${name}?`)) {
        const result = await removeGoldenNodes(services, name, nodeSet);
        ui.print(`Removed ${result.removed.length} nodes.`);
      }
    }
  },
};

/** The menu actions, in the original's order. */
export const nfsMenu: MenuAction[] = [createStaging, createGolden, manageNodes];
