/**
 * Multi-dimensional index sets (`r[1-2]n[1-3]` has two dimensions), kept as
 * a list of vectors, each vector a product of one {@link RangeSet} per
 * dimension.
 *
 * How the vectors are merged decides the folded text (`r1n[1-2],r2n1` versus
 * `r[1-2]n1,r1n2`), and ClusterShell's merge is order-dependent. To print
 * what `nodeset` prints we follow its algorithm step for step: when the list
 * is folded (lazily, on first read after a change), which fold is tried
 * (single varying dimension first, else expand-and-merge), and in which order
 * pairs of vectors are merged.
 */
import { RangeSet } from './rangeset.js';
import { multivariateMerge, type Vector } from './rangeset-nd-merge.js';

export type { Vector } from './rangeset-nd-merge.js';

/** A mutable multi-dimensional index set that folds like ClusterShell's RangeSetND. */
export class RangeSetND {
  private vectors: Vector[];
  private dirty = true;
  // Once a single-dimension fold failed, later updates stop trying it eagerly.
  private multivarHint = false;

  constructor(vectors: Vector[] = []) {
    this.vectors = vectors;
  }

  /** Number of dimensions (0 when empty). */
  get dim(): number {
    return this.vectors[0]?.length ?? 0;
  }

  /** False when there is no vector at all (Python truthiness). */
  get hasVectors(): boolean {
    return this.vectors.length > 0;
  }

  /** The vectors after folding; this is the structure the text form prints. */
  folded(): Vector[] {
    if (this.dirty) this.fold();
    return this.vectors;
  }

  private replaceVectors(vectors: Vector[]): void {
    this.vectors = vectors;
    this.dirty = true;
  }

  /** Number of index tuples. */
  get size(): number {
    let total = 0;
    for (const vec of this.folded()) total += vec.reduce((n, rs) => n * rs.size, 1);
    return total;
  }

  /** A copy of the folded vectors (folds this set first, as ClusterShell does). */
  copy(): RangeSetND {
    const vectors = this.folded().map((vec) => vec.map((rs) => rs.copy()));
    const cpy = new RangeSetND(vectors);
    cpy.dirty = this.dirty;
    return cpy;
  }

  /** Adds the vectors of `other` (copies), then tries the cheap fold. */
  update(other: RangeSetND | Vector[]): void {
    const source = other instanceof RangeSetND ? other.vectors : other;
    for (const vec of source) this.vectors.push(vec.map((rs) => rs.copy()));
    this.dirty = true;
    if (!this.multivarHint) this.foldUnivariate();
  }

  /** Removes the tuples of `other`, splitting vectors that partly overlap it. */
  differenceUpdate(other: RangeSetND): void {
    const result: Vector[] = [];
    for (const vec1 of this.vectors) {
      let pending: Vector[] = [vec1];
      let next: Vector[] = [];
      for (const vec2 of other.vectors) {
        while (pending.length > 0) {
          const proc = pending.shift() as Vector;
          let pieces: Vector[] = [];
          for (let pos = 0; pos < proc.length; pos++) {
            const rg1 = proc[pos] as RangeSet;
            const rg2 = vec2[pos] as RangeSet;
            if (rg1.equals(rg2) || rg1.isProperSubsetOf(rg2)) continue;
            if (rg1.intersects(rg2)) {
              const piece = proc.slice();
              piece[pos] = rg1.difference(rg2);
              pieces.push(piece);
            } else {
              pieces = [proc];
              break;
            }
          }
          next.push(...pieces);
        }
        if (next.length > 0) { pending = next; next = []; }
      }
      result.push(...pending);
    }
    this.replaceVectors(result);
  }

  /** Keeps only the tuples also in `other`. */
  intersectionUpdate(other: RangeSetND): void {
    if (other === this) return;
    const acc = new RangeSetND();
    for (const vec of this.vectors) {
      for (const evec of other.vectors) {
        const inter = vec.map((rs, pos) => rs.intersection(evec[pos] as RangeSet));
        if (inter.every((rs) => rs.size > 0)) acc.update([inter]);
      }
    }
    this.replaceVectors(acc.folded());
  }

  /** Keeps the tuples in exactly one of the two sets. */
  symmetricDifferenceUpdate(other: RangeSetND): void {
    const otherOnly = other.copy();
    otherOnly.differenceUpdate(this);
    this.differenceUpdate(other);
    this.update(otherOnly);
  }

  /** True when every tuple of `other` is in this set. */
  isSupersetOf(other: RangeSetND): boolean {
    this.folded();
    if (!other.hasVectors) return true;
    const rest = other.copy();
    rest.differenceUpdate(this);
    return !rest.hasVectors;
  }

  private fold(): void {
    if (this.vectors.length > 1) {
      if (!this.foldUnivariate()) {
        this.vectors = multivariateMerge(this.expandedVectors());
        this.dirty = false;
      }
    } else {
      this.dirty = false;
    }
  }

  /** Merges all vectors into one when they differ in exactly one dimension. */
  private foldUnivariate(): boolean {
    const dim = this.dim;
    let varDim = 0;
    let differing = 0;
    if (dim > 1) {
      for (let i = 0; i < dim; i++) {
        const head = (this.vectors[0] as Vector)[i] as RangeSet;
        if (!this.vectors.every((vec) => (vec[i] as RangeSet).equals(head))) {
          differing++;
          if (differing > 1) break;
          varDim = i;
        }
      }
    }
    const univariate = dim === 1 || differing === 1;
    if (univariate) {
      const target = (this.vectors[0] as Vector)[varDim] as RangeSet;
      for (const vec of this.vectors.slice(1)) target.update(vec[varDim] as RangeSet);
      this.vectors.length = 1;
      this.dirty = false;
    }
    this.multivarHint = !univariate;
    return univariate;
  }

  /** One single-index vector per distinct tuple (order irrelevant: sorted next). */
  private expandedVectors(): Vector[] {
    const seen = new Map<string, Vector>();
    for (const vec of this.vectors) {
      productOf(vec, (tuple) => {
        const key = tuple.join(',');
        if (!seen.has(key)) seen.set(key, tuple.map((text) => RangeSet.ofIndexText(text)));
      });
    }
    return [...seen.values()];
  }
}

/** Calls `visit` with each tuple of the product of `vec`, last dimension fastest. */
function productOf(vec: Vector, visit: (tuple: string[]) => void): void {
  const axes = vec.map((rs) => rs.strings());
  const tuple: string[] = new Array<string>(axes.length);
  const walk = (d: number): void => {
    if (d === axes.length) { visit(tuple.slice()); return; }
    for (const s of axes[d] as string[]) { tuple[d] = s; walk(d + 1); }
  };
  walk(0);
}
