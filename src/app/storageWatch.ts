/**
 * Keeps the runtime panel's storage estimate current and warns when a model download would not
 * fit into what the browser's quota leaves (src/store/storage.ts has the rule). The download still
 * happens: the model runs from memory and only cannot be kept for offline use.
 *
 * Checked on the file the worker actually downloads, with its size: the worker announces each
 * download before its request (loadProgress, 0 bytes, from the network), and the file depends on
 * the backend (int8 weights on WASM, fp32 on WebGPU: src/model/weights.ts), which only the worker
 * knows. The same goes for compare mode's dense baseline, which downloads beside the running
 * model. A copy from Cache Storage is no download and is never warned about. The estimate is
 * refreshed when a model is ready (it may have just been stored) and after the cache was cleared.
 */
import { modelById } from '../model/modelsIndex';
import type { AppStore, AppState } from '../store';
import { compareAvailability } from '../store/compare';
import { estimateBytes, modelFit, storageWarning } from '../store/storage';

async function estimate() {
  try {
    return estimateBytes(await navigator.storage?.estimate());
  } catch {
    return null;
  }
}

type FileProgress = AppState['compare']['download'];

/** The progress `now` when it starts a file from the network (not from Cache Storage), else null. */
function downloadStarted(now: FileProgress, before: FileProgress): FileProgress {
  return now !== null && !now.fromCache && now.file !== before?.file ? now : null;
}

export function startStorageWatch(store: AppStore): () => void {
  /** Files already warned about on this page: one message per model file. */
  const warned = new Set<string>();

  const refresh = async () => store.getState().storageEstimated(await estimate());

  /** One file of model `id` starts downloading: `bytes` of it. */
  const check = async (id: string, file: string, bytes: number) => {
    const index = store.getState().models.index;
    const model = index === null ? undefined : modelById(index, id);
    if (model === undefined) return;
    const storage = await estimate();
    store.getState().storageEstimated(storage);
    const message = storageWarning(`${model.name} (${file})`, modelFit(bytes, storage));
    const key = `${id}/${file}`;
    if (message === null || warned.has(key)) return;
    warned.add(key);
    store.getState().errorRaised({
      scope: 'model',
      title: 'Not enough storage',
      message,
      severity: 'warning',
    });
  };

  const onChange = (now: AppState, before: AppState) => {
    const id = now.models.choice?.id;
    const load = downloadStarted(now.engine.load, before.engine.load);
    if (id !== undefined && load !== null) void check(id, load.file, load.totalBytes);
    const baseline = downloadStarted(now.compare.download, before.compare.download);
    const baselineId = baseline === null ? undefined : compareAvailability(now.models).baseline?.id;
    if (baseline !== null && baselineId !== undefined) {
      void check(baselineId, baseline.file, baseline.totalBytes);
    }
    if (now.engine.phase === 'ready' && before.engine.phase !== 'ready') void refresh();
    if (now.engine.cacheRemoved !== before.engine.cacheRemoved) void refresh();
  };
  void refresh();
  return store.subscribe(onChange);
}
