/**
 * What interactive menus can do: the prompt shapes come from the module
 * contract. The terminal implementation lives in terminal-ui.ts; tests drive
 * menus with a scripted implementation.
 */
import type { Services } from '../../services/services.js';
import type { MenuAction as ContractMenuAction } from '../../modules/contract.js';

export type { AskOptions, ChooseOptions, MenuUi } from '../../modules/contract.js';
export { MenuBack, MenuInterrupted } from '../../modules/contract.js';

/** One entry of the CLI's menus, which see the full wiring. */
export type MenuAction = ContractMenuAction<Services>;
