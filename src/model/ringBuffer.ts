/**
 * The latest `capacity` frames, oldest first: the clip the model sees is always the newest T
 * frames, and older ones are overwritten rather than queued (a stale backlog is worse than a
 * skipped frame for a live demo).
 *
 * Each slot remembers whether a run ever read it, so the worker can report frames that were
 * overwritten before reaching the model ("dropped").
 */
export class FrameRing<T> {
  readonly capacity: number;
  private readonly slots: ({ item: T; used: boolean } | undefined)[];
  /** Index the next push writes to. */
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) {
      throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.slots = new Array<{ item: T; used: boolean } | undefined>(capacity).fill(undefined);
  }

  /** Frames currently held (at most `capacity`). */
  get size(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /**
   * Adds the newest item. Returns the item it overwrote and whether a run had read it
   * (`used: false` means it never reached the model), or null while the ring is filling.
   */
  push(item: T): { item: T; used: boolean } | null {
    const evicted = this.slots[this.head] ?? null;
    this.slots[this.head] = { item, used: false };
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    return evicted;
  }

  /** All held items, oldest first, without marking them used. */
  items(): T[] {
    const out: T[] = [];
    const start = (this.head - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) out.push(this.slots[(start + i) % this.capacity]!.item);
    return out;
  }

  /** The newest item, or undefined when empty. */
  newest(): T | undefined {
    if (this.count === 0) return undefined;
    return this.slots[(this.head - 1 + this.capacity) % this.capacity]!.item;
  }

  /** The full clip (oldest first) and marks every frame in it as used; null until full. */
  takeClip(): T[] | null {
    if (!this.full) return null;
    for (const slot of this.slots) slot!.used = true;
    return this.items();
  }

  /** Empties the ring (new source). Returns how many held frames never reached the model. */
  clear(): number {
    let unused = 0;
    for (let i = 0; i < this.capacity; i++) {
      if (this.slots[i]?.used === false) unused++;
      this.slots[i] = undefined;
    }
    this.head = 0;
    this.count = 0;
    return unused;
  }
}
