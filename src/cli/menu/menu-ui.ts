/**
 * What interactive menus can do. The terminal implementation lives in
 * terminal-ui.ts; tests drive menus with a scripted implementation.
 */
import type { Services } from '../../core/services.js';

/** Options of {@link MenuUi.ask}. */
export interface AskOptions {
  default?: string;
  /** Returns a problem to show (and asks again), or undefined when the answer is fine. */
  validate?: (answer: string) => string | undefined | Promise<string | undefined>;
  /** Do not echo the answer (passwords). */
  secret?: boolean;
}

/** Prompts of an interactive session. */
export interface MenuUi {
  /** Shows numbered items and returns the chosen index. */
  choose(title: string, items: readonly string[]): Promise<number>;
  ask(question: string, options?: AskOptions): Promise<string>;
  confirm(question: string): Promise<boolean>;
  print(text: string): void;
}

/** One entry of a module's menu. */
export interface MenuAction {
  label: string;
  run(ui: MenuUi, services: Services): Promise<void>;
}
