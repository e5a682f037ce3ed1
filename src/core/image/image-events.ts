/**
 * The hooks other layers hang on the image life cycle: removal guards (the
 * boot layer refuses to remove a booted image), change listeners (the boot
 * menu follows the images) and notices (what was done without being asked,
 * e.g. an automatic clean, which the CLI prints and the server logs).
 */

/** A check run before an image is removed (e.g. "nodes still boot it"); throws to refuse. */
export type RemovalGuard = (name: string) => Promise<void>;

/** What a change listener did besides its own job that the user must be told (e.g. nodes it unassigned). */
export interface ChangeEffects {
  /** Nodes that booted a vanished image and lost that assignment (node names). */
  unassigned: string[];
}

/**
 * Told after an image was created, removed or cleaned (even when the action
 * failed half-way); may answer the side effects it had, which the caller of
 * the change reports.
 */
export type ChangeListener = (name: string, change: 'created' | 'removed' | 'cleaned') => Promise<ChangeEffects | void>;

/** Told one line about something done or found without being asked (an automatic clean, a damaged state file). */
export type NoticeListener = (message: string) => void;

/** Registration and dispatch of the hooks; ImageManager extends it. */
export class ImageEvents {
  private readonly removalGuards: RemovalGuard[] = [];
  private readonly changeListeners: ChangeListener[] = [];
  private readonly noticeListeners: NoticeListener[] = [];

  /** Registers a check that may refuse the removal of an image unless forced. */
  addRemovalGuard(guard: RemovalGuard): void {
    this.removalGuards.push(guard);
  }

  /** Registers a listener of image changes (e.g. the boot menu, regenerated after each). */
  addChangeListener(listener: ChangeListener): void {
    this.changeListeners.push(listener);
  }

  /** Registers a listener of notices (the CLI prints them on stderr, `serve` logs them). */
  addNoticeListener(listener: NoticeListener): void {
    this.noticeListeners.push(listener);
  }

  /** Runs every removal guard; the first that refuses throws. */
  protected async checkRemovalGuards(name: string): Promise<void> {
    for (const guard of this.removalGuards) await guard(name);
  }

  protected notice(message: string): void {
    for (const listener of this.noticeListeners) listener(message);
  }

  /**
   * Tells every listener; a failing listener never hides the outcome of the
   * change itself. Returns the listeners' side effects merged (sorted names).
   */
  protected async notify(name: string, change: 'created' | 'removed' | 'cleaned'): Promise<ChangeEffects> {
    const unassigned = new Set<string>();
    for (const listener of this.changeListeners) {
      const effects = await listener(name, change).catch(() => undefined);
      for (const node of effects?.unassigned ?? []) unassigned.add(node);
    }
    return { unassigned: [...unassigned].sort() };
  }
}
