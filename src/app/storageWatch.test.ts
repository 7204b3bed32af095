import { afterEach, describe, expect, it, vi } from 'vitest';
import index from '../../public/models/index.json';
import shipped from '../../public/models/mone-vivit-s.json';
import dense from '../../public/models/vivit-dense-s.json';
import { parseModelsIndex } from '../model/modelsIndexParse';
import { createAppStore } from '../store';
import { startStorageWatch } from './storageWatch';

const MB = 1024 * 1024;
const int8 = shipped.weight_files[0]!;

/** A store with the shipped index and model chosen, the engine loading, and a quota of `free`. */
function setup(free: number) {
  vi.stubGlobal('navigator', {
    storage: { estimate: () => Promise.resolve({ usage: 0, quota: free }) },
  });
  const store = createAppStore();
  const s = store.getState();
  s.modelsIndexed(parseModelsIndex(structuredClone(index)));
  s.modelChosen({ id: 'mone-vivit-s', by: 'default' });
  s.initRequested('auto');
  const stop = startStorageWatch(store);
  const progress = (file: string, loadedBytes: number, totalBytes: number, fromCache = false) =>
    store.getState().loadProgressed({
      type: 'loadProgress',
      file,
      loadedBytes,
      totalBytes,
      fromCache,
    });
  const baselineProgress = (file: string, totalBytes: number, fromCache = false) =>
    store.getState().baselineLoadProgressed({
      type: 'loadProgress',
      purpose: 'baseline',
      file,
      loadedBytes: 0,
      totalBytes,
      fromCache,
    });
  const warnings = () =>
    store
      .getState()
      .errors.filter((e) => e.title === 'Not enough storage')
      .map((e) => e.message);
  return { store, stop, progress, baselineProgress, warnings };
}

/** Lets the watch's estimate() promise settle. */
const settled = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => vi.unstubAllGlobals());

describe('storage watch', () => {
  it('warns with the size of the file that downloads (the int8 weights on WASM), once', async () => {
    expect(int8.bytes).toBeLessThan(shipped.model_bytes);
    const w = setup(1 * MB);
    w.progress(int8.file, 0, int8.bytes);
    w.progress(int8.file, 500_000, int8.bytes);
    await settled();
    expect(w.warnings()).toHaveLength(1);
    expect(w.warnings()[0]).toContain(
      `MoNE ViViT-S (${int8.file}) needs ${(int8.bytes / MB).toFixed(1)} MB`,
    );
    expect(w.warnings()[0]).not.toContain(`${(shipped.model_bytes / MB).toFixed(1)} MB`);
    w.stop();
  });

  it('says nothing when that file fits, even where the fp32 file would not', async () => {
    const w = setup((int8.bytes + shipped.model_bytes) / 2);
    w.progress(int8.file, 0, int8.bytes);
    await settled();
    expect(w.warnings()).toEqual([]);
    w.stop();
  });

  it('says nothing about a copy from Cache Storage, however full the storage', async () => {
    const w = setup(1);
    w.progress(int8.file, int8.bytes, int8.bytes, true);
    await settled();
    expect(w.warnings()).toEqual([]);
    w.stop();
  });

  it('checks the fp32 file again when it runs instead', async () => {
    const w = setup(1 * MB);
    w.progress(int8.file, 0, int8.bytes);
    w.progress(shipped.model_file, 0, shipped.model_bytes);
    await settled();
    expect(w.warnings()).toHaveLength(2);
    expect(w.warnings()[1]).toContain(`(${shipped.model_file}) needs 4.1 MB`);
    w.stop();
  });

  it('checks compare mode’s baseline download too, named as the baseline', async () => {
    const denseInt8 = dense.weight_files[0]!;
    const w = setup(1 * MB);
    w.progress(int8.file, int8.bytes, int8.bytes, true); // the running model: from the cache
    w.store.getState().compareToggled(true);
    w.baselineProgress(denseInt8.file, denseInt8.bytes);
    w.baselineProgress(denseInt8.file, denseInt8.bytes); // more bytes of it: no second warning
    await settled();
    expect(w.warnings()).toEqual([
      expect.stringContaining(
        `Dense ViViT-S (baseline) (${denseInt8.file}) needs ${(denseInt8.bytes / MB).toFixed(1)} MB`,
      ),
    ]);
    w.stop();
  });

  it('says nothing about a baseline read from Cache Storage', async () => {
    const denseInt8 = dense.weight_files[0]!;
    const w = setup(1);
    w.store.getState().compareToggled(true);
    w.baselineProgress(denseInt8.file, denseInt8.bytes, true);
    await settled();
    expect(w.warnings()).toEqual([]);
    w.stop();
  });
});
