/**
 * The CLI's view of the command shapes defined by the module contract: its own
 * commands see the full wiring (`Services`, with the loaded modules). Module
 * commands are written against the contract and run here unchanged.
 */
import type { Services } from '../services/services.js';
import type { CommandContext as ContractContext, CommandSpec as ContractSpec } from '../modules/contract.js';

export type { OptionSpec, ArgumentSpec, ParsedInput, CommandResult, CommandIO } from '../modules/contract.js';

/** Everything a CLI command can use. */
export type CommandContext = ContractContext<Services>;

/** A CLI command. */
export type CommandSpec = ContractSpec<Services>;
