/**
 * Metadata and model bytes: fetch with byte progress and a stall timeout, sha256 check, Cache
 * Storage.
 *
 * The model is cached under URL + sha256 (a new export gets a new key, so a stale model is never
 * served), only after its hash matched the metadata. Cache Storage is an optimisation: when it is
 * missing, blocked or full the model still loads, and the user is told it was not cached.
 * Dependencies are passed in so the logic runs in Node tests with fakes.
 */
import { MetadataError, parseModelMetadataText } from '../model/metadata';
import type { ModelMetadata } from '../model/metadata';
import { sha256Hex } from '../model/sha256';
import { EngineFailure, errorMessageOf } from './engineFailure';

/** Bump the suffix when the cache layout changes; clearCache deletes the whole store. */
export const MODEL_CACHE_NAME = 'mone-live-models-v1';

export interface ByteProgress {
  readonly file: string;
  readonly loadedBytes: number;
  readonly totalBytes: number;
  readonly fromCache: boolean;
}

export interface LoaderDeps {
  readonly fetch: typeof fetch;
  /** undefined where Cache Storage does not exist (insecure context, some private modes). */
  readonly caches: CacheStorage | undefined;
  readonly onProgress: (progress: ByteProgress) => void;
  /** Non-fatal problems the user should hear about (e.g. the model could not be cached). */
  readonly onWarning: (message: string) => void;
}

export interface LoadedModel {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly fromCache: boolean;
  /** True when the bytes came over the network (counts towards `modelDownloads`). */
  readonly downloaded: boolean;
}

/** Minimum ms between progress messages (plus the final one): ~110 chunks for 7 MB otherwise. */
const PROGRESS_INTERVAL_MS = 50;

/**
 * A download that receives nothing (no headers, no body bytes) for this long is given up. A stall
 * timeout: a slow link that keeps delivering bytes is never cut off.
 */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

export { sha256Hex };

/** The Cache Storage key: the model URL with its expected hash, so each export has its own entry. */
export function cacheKey(modelUrl: string, sha256: string): string {
  const url = new URL(modelUrl);
  url.searchParams.set('sha256', sha256);
  return url.href;
}

/** A weights file's URL (model_file or a weight_files entry): relative to the metadata JSON. */
export function modelUrlOf(metadataUrl: string, file: string): string {
  return new URL(file, metadataUrl).href;
}

async function fetchOrFail(
  fetchFn: typeof fetch,
  url: string,
  what: string,
  signal: AbortSignal,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetchFn(url, { signal });
  } catch (err) {
    throw new EngineFailure(
      'model-missing',
      `Could not download the ${what} (${url}): ${errorMessageOf(err)}.`,
      true,
    );
  }
  if (!response.ok) {
    throw new EngineFailure(
      'model-missing',
      `The ${what} is missing: ${url} answered HTTP ${response.status}.`,
      true,
    );
  }
  return response;
}

/**
 * fetch(url) and `read` its body, given up with `model-stalled` once nothing arrived for
 * `stallMs`: the clock restarts when the headers arrive and whenever `read` calls `alive` (after
 * each chunk).
 */
export async function download<T>(
  fetchFn: typeof fetch,
  url: string,
  what: string,
  stallMs: number,
  read: (response: Response, alive: () => void) => Promise<T>,
): Promise<T> {
  const abort = new AbortController();
  let stalled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      abort.abort();
    }, stallMs);
  };
  alive();
  try {
    const response = await fetchOrFail(fetchFn, url, what, abort.signal);
    alive();
    return await read(response, alive);
  } catch (err) {
    if (!stalled) throw err;
    throw new EngineFailure(
      'model-stalled',
      `The ${what} download stalled: no data for ${stallMs / 1000} s from ${url}. Check the connection, then press Retry.`,
      true,
    );
  } finally {
    clearTimeout(timer);
  }
}

export async function fetchMetadata(
  fetchFn: typeof fetch,
  url: string,
  stallMs = DEFAULT_STALL_TIMEOUT_MS,
): Promise<ModelMetadata> {
  const text = await download(fetchFn, url, 'model metadata', stallMs, (r) => r.text());
  try {
    return parseModelMetadataText(text);
  } catch (err) {
    if (err instanceof MetadataError) {
      throw new EngineFailure('model-mismatch', `${url} is not usable: ${err.message}.`, true);
    }
    throw err;
  }
}

/**
 * Reads a body chunk by chunk, reporting bytes. The total is Content-Length when the bytes on the
 * wire are the bytes of the file (no Content-Encoding), else the size the metadata promises.
 */
export async function readWithProgress(
  response: Response,
  expectedBytes: number,
  report: (loaded: number, total: number) => void,
  alive: () => void = () => undefined,
): Promise<Uint8Array<ArrayBuffer>> {
  const length = Number(response.headers.get('Content-Length'));
  const total =
    response.headers.get('Content-Encoding') === null && length > 0 ? length : expectedBytes;
  if (response.body === null) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    report(bytes.length, Math.max(total, bytes.length));
    return bytes;
  }
  let buffer = new Uint8Array(total);
  let loaded = 0;
  let lastReport = -Infinity;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    alive();
    if (loaded + value.length > buffer.length) {
      // More than announced: grow rather than fail; the hash check decides if it is right.
      const grown = new Uint8Array(Math.max(buffer.length * 2, loaded + value.length));
      grown.set(buffer.subarray(0, loaded));
      buffer = grown;
    }
    buffer.set(value, loaded);
    loaded += value.length;
    const now = performance.now();
    if (now - lastReport >= PROGRESS_INTERVAL_MS) {
      report(loaded, Math.max(total, loaded));
      lastReport = now;
    }
  }
  report(loaded, Math.max(total, loaded));
  return loaded === buffer.length ? buffer : buffer.slice(0, loaded);
}

async function openCache(deps: LoaderDeps): Promise<Cache | null> {
  if (deps.caches === undefined) {
    deps.onWarning('Cache Storage is not available here, so the model will download every visit.');
    return null;
  }
  try {
    return await deps.caches.open(MODEL_CACHE_NAME);
  } catch (err) {
    deps.onWarning(`Cache Storage could not be opened (${errorMessageOf(err)}); not caching.`);
    return null;
  }
}

async function storeInCache(
  cache: Cache,
  key: string,
  bytes: Uint8Array<ArrayBuffer>,
  deps: LoaderDeps,
) {
  try {
    // Drop older exports of the same file first: they can never be served again.
    const base = new URL(key);
    base.search = '';
    for (const request of await cache.keys()) {
      const url = new URL(request.url);
      url.search = '';
      if (url.href === base.href && request.url !== key) await cache.delete(request);
    }
    await cache.put(
      key,
      new Response(bytes, {
        headers: {
          'Content-Type': 'application/octet-stream',
          'Content-Length': String(bytes.length),
        },
      }),
    );
  } catch (err) {
    const full = err instanceof DOMException && err.name === 'QuotaExceededError';
    deps.onWarning(
      full
        ? 'Browser storage is full, so the model was not cached; it will download again next visit.'
        : `The model could not be cached (${errorMessageOf(err)}); it will download again next visit.`,
    );
  }
}

/** The model bytes, from Cache Storage when a verified copy is there, else from the network. */
export async function loadModel(
  url: string,
  meta: Pick<ModelMetadata, 'model_bytes' | 'model_sha256' | 'model_file'>,
  options: { readonly bypassCache: boolean; readonly stallTimeoutMs?: number },
  deps: LoaderDeps,
): Promise<LoadedModel> {
  const file = meta.model_file;
  const key = cacheKey(url, meta.model_sha256);
  const cache = options.bypassCache ? null : await openCache(deps);

  if (cache !== null) {
    const hit = await cache.match(key).catch(() => undefined);
    if (hit !== undefined) {
      const bytes = new Uint8Array(await hit.arrayBuffer());
      if ((await sha256Hex(bytes)) === meta.model_sha256) {
        deps.onProgress({
          file,
          loadedBytes: bytes.length,
          totalBytes: bytes.length,
          fromCache: true,
        });
        return { bytes, fromCache: true, downloaded: false };
      }
      // A damaged entry (should not happen: only verified bytes are stored): drop it, download.
      await cache.delete(key).catch(() => false);
    }
  }

  // Announced before the request: the page checks this file's size against the storage quota
  // (src/app/storageWatch.ts) and shows the download from its first byte.
  deps.onProgress({ file, loadedBytes: 0, totalBytes: meta.model_bytes, fromCache: false });
  const stallMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const bytes = await download(deps.fetch, url, 'model', stallMs, (response, alive) =>
    readWithProgress(
      response,
      meta.model_bytes,
      (loadedBytes, totalBytes) =>
        deps.onProgress({ file, loadedBytes, totalBytes, fromCache: false }),
      alive,
    ),
  );
  const actual = await sha256Hex(bytes);
  if (actual !== meta.model_sha256) {
    throw new EngineFailure(
      'model-corrupt',
      `The downloaded model ${file} is damaged or from another export: its sha256 is ${actual.slice(0, 12)}… but the metadata expects ${meta.model_sha256.slice(0, 12)}… (${bytes.length} of ${meta.model_bytes} bytes). It was not cached.`,
      true,
    );
  }
  if (cache !== null) await storeInCache(cache, key, bytes, deps);
  return { bytes, fromCache: false, downloaded: true };
}

/** Deletes the model store; returns how many entries it held. */
export async function clearModelCache(caches: CacheStorage | undefined): Promise<number> {
  if (caches === undefined || !(await caches.has(MODEL_CACHE_NAME))) return 0;
  const cache = await caches.open(MODEL_CACHE_NAME);
  const removed = (await cache.keys()).length;
  await caches.delete(MODEL_CACHE_NAME);
  return removed;
}
