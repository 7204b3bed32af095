/**
 * Keeps the runtime panel's storage estimate current and warns before a model download that
 * would not fit into what the browser's quota leaves (src/store/storage.ts has the rule). The
 * download still happens: the model runs from memory and only cannot be kept for offline use.
 *
 * Checked whenever a model is chosen or the engine starts loading; the estimate is refreshed when
 * a model is ready (it may have just been stored) and after the cache was cleared.
 */
import { modelById } from '../model/modelsIndex';
import type { AppStore, AppState } from '../store';
import { estimateBytes, modelFit, storageWarning } from '../store/storage';

async function estimate() {
  try {
    return estimateBytes(await navigator.storage?.estimate());
  } catch {
    return null;
  }
}

/**
 * Whether Cache Storage holds the model file, whatever its export: the worker keys it by URL and
 * sha256 (src/inference/modelLoader.ts); an older export is replaced in place.
 */
async function isCached(modelUrl: string): Promise<boolean> {
  try {
    return (await globalThis.caches?.match(modelUrl, { ignoreSearch: true })) !== undefined;
  } catch {
    return false;
  }
}

export function startStorageWatch(store: AppStore, modelsUrl: string): () => void {
  /** Models already warned about on this page: one message per model. */
  const warned = new Set<string>();
  const indexUrl = new URL(modelsUrl, window.location.href);

  const refresh = async () => store.getState().storageEstimated(await estimate());

  const check = async (id: string) => {
    const index = store.getState().models.index;
    const model = index === null ? undefined : modelById(index, id);
    if (model === undefined) return;
    // The index names each model `<id>.onnx` beside it (src/model/modelsIndex.ts).
    const [storage, cached] = await Promise.all([
      estimate(),
      isCached(new URL(`${model.id}.onnx`, indexUrl).href),
    ]);
    store.getState().storageEstimated(storage);
    const message = storageWarning(model.name, modelFit(model.model_bytes, storage, cached));
    if (message === null || warned.has(id)) return;
    warned.add(id);
    store.getState().errorRaised({
      scope: 'model',
      title: 'Not enough storage',
      message,
      severity: 'warning',
    });
  };

  const onChange = (now: AppState, before: AppState) => {
    const id = now.models.choice?.id;
    const loading = now.engine.phase === 'loading' && before.engine.phase !== 'loading';
    if (id !== undefined && (id !== before.models.choice?.id || loading)) void check(id);
    if (now.engine.phase === 'ready' && before.engine.phase !== 'ready') void refresh();
    if (now.engine.cacheRemoved !== before.engine.cacheRemoved) void refresh();
  };
  void refresh();
  return store.subscribe(onChange);
}
