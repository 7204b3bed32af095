import { describe, expect, it } from 'vitest';
import { FakeCacheStorage } from './fakeCacheStorage';
import {
  forgetKeptModel,
  keepModel,
  KEPT_MODELS_CACHE,
  listKeptModels,
  readKeptModel,
} from './keptModels';

const BASE = 'http://localhost:4173/';
const sha = (c: string) => c.repeat(64);

describe('kept models', () => {
  it('keeps a pair under its sha256, lists it, reads it back and forgets it', async () => {
    const fake = new FakeCacheStorage();
    const caches = fake as unknown as CacheStorage;
    expect(await listKeptModels(caches, BASE)).toEqual([]);
    expect(await readKeptModel(caches, BASE, sha('a'))).toBeNull();

    const bytes = Uint8Array.from([1, 2, 3, 4]);
    await keepModel(caches, BASE, sha('a'), '{"name":"a"}', bytes);
    await keepModel(caches, BASE, sha('b'), '{"name":"b"}', Uint8Array.from([9]));
    expect([...fake.stores.get(KEPT_MODELS_CACHE)!.keys()]).toEqual([
      `http://localhost:4173/own-models/${sha('a')}.onnx`,
      `http://localhost:4173/own-models/${sha('a')}.json`,
      `http://localhost:4173/own-models/${sha('b')}.onnx`,
      `http://localhost:4173/own-models/${sha('b')}.json`,
    ]);
    expect(await listKeptModels(caches, BASE)).toEqual([
      { sha256: sha('a'), metadataText: '{"name":"a"}' },
      { sha256: sha('b'), metadataText: '{"name":"b"}' },
    ]);
    const read = await readKeptModel(caches, BASE, sha('a'));
    expect(read?.metadataText).toBe('{"name":"a"}');
    expect([...read!.bytes]).toEqual([1, 2, 3, 4]);

    expect(await forgetKeptModel(caches, BASE, sha('a'))).toBe(true);
    expect(await forgetKeptModel(caches, BASE, sha('a'))).toBe(false);
    expect(await readKeptModel(caches, BASE, sha('a'))).toBeNull();
    expect((await listKeptModels(caches, BASE)).map((k) => k.sha256)).toEqual([sha('b')]);
  });

  it('lists nothing it does not know: other origins, other names, a half-stored pair', async () => {
    const fake = new FakeCacheStorage();
    const caches = fake as unknown as CacheStorage;
    await keepModel(caches, 'http://elsewhere/', sha('c'), '{}', Uint8Array.from([1]));
    const cache = await caches.open(KEPT_MODELS_CACHE);
    await cache.put(`${BASE}own-models/notes.json`, new Response('{}'));
    await cache.put(`${BASE}own-models/${sha('d')}.onnx`, new Response('x'));
    expect(await listKeptModels(caches, BASE)).toEqual([]);
    expect(await readKeptModel(caches, BASE, sha('d'))).toBeNull();
  });
});
