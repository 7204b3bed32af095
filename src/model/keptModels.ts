/**
 * Own models kept on this device ("Keep on this device"): the .onnx and its metadata .json in
 * Cache Storage under the ONNX file's sha256, apart from the download cache, so "Clear cache"
 * (a cache the app refills) never deletes what the user put there; only "Forget" does.
 *
 * The keys are same-origin URLs that no server answers (`/own-models/<sha256>.onnx`): Cache
 * Storage needs URLs, and nothing ever fetches them. The worker stores and reads a pair, the page
 * lists and forgets; CacheStorage is passed in, so Node tests use a fake.
 */

export const KEPT_MODELS_CACHE = 'mone-live-own-models-v1';

const keyOf = (base: string, sha256: string, ext: 'onnx' | 'json') =>
  new URL(`/own-models/${sha256}.${ext}`, base).href;

export interface KeptModel {
  readonly sha256: string;
  /** Its model_bytes was checked against the stored .onnx before it was kept. */
  readonly metadataText: string;
}

/** Stores a validated pair; the ONNX bytes are copied into the store by the browser. */
export async function keepModel(
  caches: CacheStorage,
  base: string,
  sha256: string,
  metadataText: string,
  bytes: Uint8Array<ArrayBuffer>,
): Promise<void> {
  const cache = await caches.open(KEPT_MODELS_CACHE);
  await cache.put(
    keyOf(base, sha256, 'onnx'),
    new Response(bytes, {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(bytes.length),
      },
    }),
  );
  // The metadata last: a listed model always has its bytes.
  await cache.put(
    keyOf(base, sha256, 'json'),
    new Response(metadataText, { headers: { 'Content-Type': 'application/json' } }),
  );
}

/** The kept pair, or null when it is not (or no longer) stored. */
export async function readKeptModel(
  caches: CacheStorage,
  base: string,
  sha256: string,
): Promise<{ metadataText: string; bytes: Uint8Array<ArrayBuffer> } | null> {
  if (!(await caches.has(KEPT_MODELS_CACHE))) return null;
  const cache = await caches.open(KEPT_MODELS_CACHE);
  const [json, onnx] = await Promise.all([
    cache.match(keyOf(base, sha256, 'json')),
    cache.match(keyOf(base, sha256, 'onnx')),
  ]);
  if (json === undefined || onnx === undefined) return null;
  return { metadataText: await json.text(), bytes: new Uint8Array(await onnx.arrayBuffer()) };
}

/** Every kept model, in the order they were stored. */
export async function listKeptModels(caches: CacheStorage, base: string): Promise<KeptModel[]> {
  if (!(await caches.has(KEPT_MODELS_CACHE))) return [];
  const cache = await caches.open(KEPT_MODELS_CACHE);
  const kept: KeptModel[] = [];
  const folder = new URL('/own-models/', base).href;
  for (const request of await cache.keys()) {
    const sha256 = /^([0-9a-f]{64})\.json$/.exec(request.url.slice(folder.length))?.[1];
    if (!request.url.startsWith(folder) || sha256 === undefined) continue;
    const json = await cache.match(request.url);
    if (json !== undefined) kept.push({ sha256, metadataText: await json.text() });
  }
  return kept;
}

/** Removes a kept pair; true when something was stored. */
export async function forgetKeptModel(
  caches: CacheStorage,
  base: string,
  sha256: string,
): Promise<boolean> {
  if (!(await caches.has(KEPT_MODELS_CACHE))) return false;
  const cache = await caches.open(KEPT_MODELS_CACHE);
  const onnx = await cache.delete(keyOf(base, sha256, 'onnx'));
  const json = await cache.delete(keyOf(base, sha256, 'json'));
  return onnx || json;
}
