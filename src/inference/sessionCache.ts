/**
 * The models one worker keeps loaded, least recently used first. Switching back to a model takes
 * its session from here (never a second session for it); loading one more than `capacity`
 * releases the least recently used one first, so at most `capacity` sessions exist at any time.
 */

export class SessionCache<V> {
  private readonly capacity: number;
  private readonly release: (value: V, key: string) => void;
  /** Map order is use order: the first entry is the least recently used. */
  private readonly entries = new Map<string, V>();

  constructor(capacity: number, release: (value: V, key: string) => void) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.release = release;
  }

  /** The entry, now the most recently used; undefined when it is not loaded. */
  take(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /**
   * The entry without making it the most recently used (compare mode's baseline: the model the
   * user runs stays the one kept longest); undefined when it is not loaded.
   */
  peek(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Releases least recently used entries until one more fits; returns their keys. */
  makeRoom(): string[] {
    const released: string[] = [];
    for (const [key, value] of this.entries) {
      if (this.entries.size < this.capacity) break;
      this.entries.delete(key);
      this.release(value, key);
      released.push(key);
    }
    return released;
  }

  /** Adds (or replaces) an entry as the most recently used, making room first. */
  add(key: string, value: V): void {
    this.entries.delete(key);
    this.makeRoom();
    this.entries.set(key, value);
  }

  /** Empties the cache without releasing anything; returns what it held (the caller frees it). */
  clear(): V[] {
    const values = this.values();
    this.entries.clear();
    return values;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Least recently used first. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Least recently used first. */
  values(): V[] {
    return [...this.entries.values()];
  }

  get size(): number {
    return this.entries.size;
  }
}
