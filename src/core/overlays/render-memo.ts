/**
 * Renders kept from the check of an inventory change (overlay-guard.ts) for
 * its publication by the same process, keyed by each node's inputs digest
 * (RenderSession.inputsDigest): the publication takes a kept render only
 * when the node's inputs are still exactly those the check rendered, so a
 * change is rendered once, and a kept render can never be a stale one.
 */
import type { SessionResult } from './render-session.js';

/** Renders by node, each with the inputs digest it was made from. */
export class RenderMemo {
  private readonly kept = new Map<string, { inputs: string; result: SessionResult }>();

  /** Whether anything is kept (a render without a check computes no digest for it). */
  get empty(): boolean {
    return this.kept.size === 0;
  }

  keep(node: string, inputs: string, result: SessionResult): void {
    this.kept.set(node, { inputs, result });
  }

  /** The render kept for `node` if it was made from `inputs`; taken out either way. */
  take(node: string, inputs: string): SessionResult | undefined {
    const kept = this.kept.get(node);
    this.kept.delete(node);
    return kept?.inputs === inputs ? kept.result : undefined;
  }

  clear(): void {
    this.kept.clear();
  }
}
