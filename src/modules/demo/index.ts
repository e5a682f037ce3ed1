/** The demo module: one example image class, its command and its menu. */
import { MODULE_API_VERSION, type CommandSpec, type MenuAction, type ModuleDescriptor } from '../contract.js';
import { prepareCreation } from '../../core/image/creation.js';
import { DemoImageClass, parseDemoOptions } from './demo-image.js';
import { showImageState } from '../image-state.js';
import { confirmCreation, freeImageName } from '../menu-checks.js';

const createCommand: CommandSpec = {
  path: ['create'],
  summary: 'create a demo image holding a message',
  example: "demo create hello --message 'Hello, nodes'",
  args: [{ name: 'NAME', required: true }],
  options: [
    { name: 'message', type: 'string', description: 'message stored in the image', valueName: 'TEXT', required: true },
    { name: 'delay', type: 'string', description: 'pause this many seconds mid-build', valueName: 'SECONDS' },
    { name: 'crash', type: 'boolean', description: 'kill the process mid-build (leaves a CORRUPTED image)' },
  ],
  async run({ services, io }, { args, options }) {
    const name = String(args.NAME);
    const demoOptions = await prepareCreation(services.images, 'DemoImage', name, { message: options.message, delay: options.delay,
      crash: options.crash }, { origin: 'cli' });
    const image = await services.images.create('DemoImage', name, demoOptions, { progress: io.progress, signal: io.signal });
    return { text: `demo image ${image.name} created`, data: await showImageState(services, image.name) };
  },
};

const menu: MenuAction[] = [{
  label: 'Create a demo image',
  async run(ui, services) {
    const name = await ui.ask('Name of the new image:', { validate: freeImageName(services) });
    const message = await ui.ask('Message to store in it:');
    const options = parseDemoOptions({ message });
    if (!(await confirmCreation(ui, name, [['message', message]]))) return;
    await services.images.create('DemoImage', name, options);
    ui.print(`Demo image ${name} created.`);
  },
}];

const demoModule: ModuleDescriptor = {
  name: 'demo',
  apiVersion: MODULE_API_VERSION,
  description: 'Example module: images that hold a message (learning and testing)',
  imageClasses: [DemoImageClass],
  commands: [createCommand],
  menu,
  requiredTools: [],
};

export default demoModule;
