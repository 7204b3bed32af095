import { describe, expect, it } from 'vitest';
import { MAX_LOADED_MODELS } from '../model/modelsIndex';
import { SessionCache } from './sessionCache';

function cache(capacity = MAX_LOADED_MODELS) {
  const released: string[] = [];
  const c = new SessionCache<string>(capacity, (value, key) => released.push(`${key}=${value}`));
  return { c, released };
}

describe('SessionCache', () => {
  it('keeps two models: A → B → A takes A back without releasing anything', () => {
    const { c, released } = cache();
    c.add('A', 'a');
    c.add('B', 'b');
    expect(c.take('A')).toBe('a');
    expect(c.keys()).toEqual(['B', 'A']);
    expect(released).toEqual([]);
  });

  it('releases the least recently used model when a third one comes', () => {
    const { c, released } = cache();
    c.add('A', 'a');
    c.add('B', 'b');
    c.take('A'); // B is now the least recently used
    c.add('C', 'c');
    expect(released).toEqual(['B=b']);
    expect(c.keys()).toEqual(['A', 'C']);
    expect(c.take('B')).toBeUndefined();
  });

  it('makes room before a session is created, so no more than the cap ever exist', () => {
    const { c, released } = cache();
    c.add('A', 'a');
    c.add('B', 'b');
    expect(c.makeRoom()).toEqual(['A']);
    expect(c.size).toBe(1);
    expect(released).toEqual(['A=a']);
    expect(c.makeRoom()).toEqual([]); // already room for one more
  });

  it('re-adding a key replaces it as the most recent without releasing the others', () => {
    const { c, released } = cache();
    c.add('A', 'a');
    c.add('B', 'b');
    c.add('A', 'a2');
    expect(c.keys()).toEqual(['B', 'A']);
    expect(c.take('A')).toBe('a2');
    expect(released).toEqual([]);
  });

  it('clear empties it and hands every entry to the caller, releasing none', () => {
    const { c, released } = cache();
    c.add('A', 'a');
    c.add('B', 'b');
    expect(c.clear()).toEqual(['a', 'b']);
    expect(c.size).toBe(0);
    expect(released).toEqual([]);
  });

  it('rejects a capacity below one', () => {
    expect(() => new SessionCache(0, () => {})).toThrow(RangeError);
  });
});
