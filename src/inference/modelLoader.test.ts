import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineFailure } from './engineFailure';
import type { ByteProgress, LoaderDeps } from './modelLoader';
import {
  cacheKey,
  clearModelCache,
  DEFAULT_STALL_TIMEOUT_MS,
  fetchMetadata,
  loadModel,
  MODEL_CACHE_NAME,
  modelUrlOf,
  readWithProgress,
  sha256Hex,
} from './modelLoader';
import { tinyMetadataJson } from '../model/testFixtures';
import { FakeCacheStorage } from '../model/fakeCacheStorage';
import { parseModelMetadata } from '../model/metadata';

const URL_ = 'http://localhost/models/m.onnx';

// toEqual on large typed arrays is slow (element-wise diffing); compare directly.
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function modelBytes(n = 100_000): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = (i * 31) & 255;
  return bytes;
}

function setup(bytes: Uint8Array<ArrayBuffer>, status = 200) {
  const caches = new FakeCacheStorage();
  const progress: ByteProgress[] = [];
  const warnings: string[] = [];
  let fetches = 0;
  const deps: LoaderDeps = {
    fetch: () => {
      fetches++;
      return Promise.resolve(
        new Response(status === 200 ? bytes.slice() : 'nope', {
          status,
          headers: { 'Content-Length': String(bytes.length) },
        }),
      );
    },
    caches: caches as unknown as CacheStorage,
    onProgress: (p) => progress.push(p),
    onWarning: (m) => warnings.push(m),
  };
  const meta = {
    model_file: 'm.onnx',
    model_bytes: bytes.length,
    model_sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  return { caches, progress, warnings, deps, meta, fetches: () => fetches };
}

describe('sha256Hex', () => {
  it('matches node:crypto', async () => {
    const bytes = modelBytes(1000);
    expect(await sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});

describe('readWithProgress', () => {
  it('reports bytes against Content-Length and ends at the total', async () => {
    const bytes = modelBytes(300_000);
    const reports: [number, number][] = [];
    const out = await readWithProgress(
      new Response(bytes, { headers: { 'Content-Length': String(bytes.length) } }),
      1,
      (l, t) => reports.push([l, t]),
    );
    expect(sameBytes(out, bytes)).toBe(true);
    expect(reports.at(-1)).toEqual([300_000, 300_000]);
  });
  it('falls back to the expected size and grows when the body is longer', async () => {
    const bytes = modelBytes(5000);
    const reports: [number, number][] = [];
    const out = await readWithProgress(new Response(bytes), 100, (l, t) => reports.push([l, t]));
    expect(sameBytes(out, bytes)).toBe(true);
    expect(reports.at(-1)).toEqual([5000, 5000]);
  });
});

describe('loadModel', () => {
  it('downloads, verifies and caches; the next load is served from the cache', async () => {
    const bytes = modelBytes();
    const s = setup(bytes);
    const first = await loadModel(URL_, s.meta, { bypassCache: false }, s.deps);
    expect(first).toMatchObject({ fromCache: false, downloaded: true });
    expect(sameBytes(first.bytes, bytes)).toBe(true);
    expect(s.progress.at(-1)).toEqual({
      file: 'm.onnx',
      loadedBytes: bytes.length,
      totalBytes: bytes.length,
      fromCache: false,
    });
    expect([...s.caches.stores.get(MODEL_CACHE_NAME)!.keys()]).toEqual([
      cacheKey(URL_, s.meta.model_sha256),
    ]);

    const second = await loadModel(URL_, s.meta, { bypassCache: false }, s.deps);
    expect(second).toMatchObject({ fromCache: true, downloaded: false });
    expect(sameBytes(second.bytes, bytes)).toBe(true);
    expect(s.fetches()).toBe(1);
    expect(s.progress.at(-1)?.fromCache).toBe(true);
    expect(s.warnings).toEqual([]);
  });

  it('announces a download (0 bytes of the metadata size) before it asks the network', async () => {
    const bytes = modelBytes();
    const s = setup(bytes);
    let fetchesAtFirstReport = -1;
    const deps = {
      ...s.deps,
      onProgress: (p: ByteProgress) => {
        if (s.progress.length === 0) fetchesAtFirstReport = s.fetches();
        s.progress.push(p);
      },
    };
    await loadModel(URL_, s.meta, { bypassCache: false }, deps);
    expect(s.progress[0]).toEqual({
      file: 'm.onnx',
      loadedBytes: 0,
      totalBytes: s.meta.model_bytes,
      fromCache: false,
    });
    expect(fetchesAtFirstReport).toBe(0);
    // From cache: one report, no announcement of a download.
    s.progress.length = 0;
    await loadModel(URL_, s.meta, { bypassCache: false }, s.deps);
    expect(s.progress.map((p) => p.fromCache)).toEqual([true]);
  });

  it('bypassCache always downloads and stores nothing', async () => {
    const s = setup(modelBytes());
    await loadModel(URL_, s.meta, { bypassCache: true }, s.deps);
    await loadModel(URL_, s.meta, { bypassCache: true }, s.deps);
    expect(s.fetches()).toBe(2);
    expect(s.caches.stores.size).toBe(0);
  });

  it('rejects bytes whose sha256 differs (model-corrupt) and does not cache them', async () => {
    const s = setup(modelBytes());
    const meta = { ...s.meta, model_sha256: 'f'.repeat(64) };
    const error = await loadModel(URL_, meta, { bypassCache: false }, s.deps).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineFailure);
    expect(error).toMatchObject({ code: 'model-corrupt', fatal: true });
    expect((error as Error).message).toMatch(/sha256 is .* but the metadata expects ffffffffffff/);
    expect(s.caches.stores.get(MODEL_CACHE_NAME)?.size ?? 0).toBe(0);
  });

  it('keeps running without caching when storage is full, and says so', async () => {
    const s = setup(modelBytes());
    s.caches.quotaExceeded = true;
    const loaded = await loadModel(URL_, s.meta, { bypassCache: false }, s.deps);
    expect(loaded.downloaded).toBe(true);
    expect(s.warnings).toEqual([
      'Browser storage is full, so the model was not cached; it will download again next visit.',
    ]);
  });

  it('drops older exports of the same file when caching a new one', async () => {
    const s = setup(modelBytes());
    const store = new Map([[cacheKey(URL_, 'a'.repeat(64)), new Uint8Array(3)]]);
    s.caches.stores.set(MODEL_CACHE_NAME, store);
    await loadModel(URL_, s.meta, { bypassCache: false }, s.deps);
    expect([...store.keys()]).toEqual([cacheKey(URL_, s.meta.model_sha256)]);
  });

  it('a missing model is model-missing, fatal, with the status', async () => {
    const s = setup(modelBytes(), 404);
    await expect(loadModel(URL_, s.meta, { bypassCache: false }, s.deps)).rejects.toMatchObject({
      code: 'model-missing',
      fatal: true,
      message: `The model is missing: ${URL_} answered HTTP 404.`,
    });
  });

  it('works without Cache Storage', async () => {
    const s = setup(modelBytes());
    const loaded = await loadModel(
      URL_,
      s.meta,
      { bypassCache: false },
      { ...s.deps, caches: undefined },
    );
    expect(loaded.downloaded).toBe(true);
    expect(s.warnings[0]).toMatch(/not available/);
  });
});

describe('clearModelCache', () => {
  it('removes the store and counts its entries', async () => {
    const s = setup(modelBytes());
    await loadModel(URL_, s.meta, { bypassCache: false }, s.deps);
    const caches = s.caches as unknown as CacheStorage;
    expect(await clearModelCache(caches)).toBe(1);
    expect(await clearModelCache(caches)).toBe(0);
    expect(await clearModelCache(undefined)).toBe(0);
  });
});

describe('fetchMetadata', () => {
  const fetchJson = (body: string) =>
    (() => Promise.resolve(new Response(body))) as unknown as typeof fetch;

  it('parses and validates', async () => {
    const meta = await fetchMetadata(fetchJson(JSON.stringify(tinyMetadataJson())), URL_);
    expect(meta.name).toBe('mone-tiny');
    expect(modelUrlOf('http://localhost/models/m.json', meta.model_file)).toBe(
      'http://localhost/models/mone-tiny.onnx',
    );
  });

  it('a bad field is model-mismatch naming the field', async () => {
    const json = tinyMetadataJson();
    json.video.frames = 16;
    await expect(fetchMetadata(fetchJson(JSON.stringify(json)), URL_)).rejects.toMatchObject({
      code: 'model-mismatch',
      message: expect.stringMatching(/tokens\.time_steps/) as unknown,
    });
  });

  it('the fixture stays valid', () => {
    expect(() => parseModelMetadata(tinyMetadataJson())).not.toThrow();
  });
});

describe('stall timeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const aborted = () => new DOMException('The operation was aborted.', 'AbortError');

  /** A fetch that never answers, but rejects like the browser's when its signal aborts. */
  const silentFetch = ((_url: string, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () => reject(aborted()));
    })) as unknown as typeof fetch;

  /**
   * A fetch whose body sends `chunks` chunks of 1000 bytes, one every `everyMs`, and ends; or goes
   * quiet after `quietAfter` chunks. Aborting errors the body, as in the browser.
   */
  const trickleFetch = (chunks: number, everyMs: number, quietAfter = chunks) =>
    ((_url: string, init?: RequestInit) => {
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          init?.signal?.addEventListener('abort', () => controller.error(aborted()));
        },
        async pull(controller) {
          if (sent === quietAfter) return new Promise<void>(() => {});
          await new Promise((resolve) => setTimeout(resolve, everyMs));
          controller.enqueue(modelBytes(1000));
          if (++sent === chunks) controller.close();
        },
      });
      const headers = { 'Content-Length': String(chunks * 1000) };
      return Promise.resolve(new Response(body, { headers }));
    }) as unknown as typeof fetch;

  function slow(fetchFn: typeof fetch, chunks = 4) {
    const bytes = new Uint8Array(chunks * 1000);
    for (let i = 0; i < chunks; i++) bytes.set(modelBytes(1000), i * 1000);
    const s = setup(bytes);
    return { ...s, deps: { ...s.deps, caches: undefined, fetch: fetchFn } };
  }

  it('a request that never answers fails with model-stalled after the stall timeout', async () => {
    vi.useFakeTimers();
    const s = slow(silentFetch);
    let settled = false;
    const outcome = loadModel(URL_, s.meta, { bypassCache: true, stallTimeoutMs: 2000 }, s.deps)
      .catch((e: unknown) => e)
      .finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(1999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(EngineFailure);
    expect(error).toMatchObject({ code: 'model-stalled', fatal: true });
    expect((error as Error).message).toBe(
      `The model download stalled: no data for 2 s from ${URL_}. Check the connection, then press Retry.`,
    );
  });

  it('a body that stops sending fails with model-stalled', async () => {
    vi.useFakeTimers();
    const s = slow(trickleFetch(4, 100, 2));
    const options = { bypassCache: true, stallTimeoutMs: 1000 };
    const outcome = loadModel(URL_, s.meta, options, s.deps).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1500);
    expect(await outcome).toMatchObject({ code: 'model-stalled' });
    expect(s.progress.at(-1)?.loadedBytes).toBe(2000); // two chunks had arrived
  });

  it('a slow download that keeps sending is never cut off', async () => {
    vi.useFakeTimers();
    // 4 chunks 900 ms apart: 3.6 s in all, far over the 1 s stall timeout.
    const s = slow(trickleFetch(4, 900));
    const options = { bypassCache: true, stallTimeoutMs: 1000 };
    const outcome = loadModel(URL_, s.meta, options, s.deps);
    await vi.advanceTimersByTimeAsync(4000);
    expect((await outcome).bytes.length).toBe(4000);
  });

  it('the metadata has the same stall timeout', async () => {
    vi.useFakeTimers();
    const outcome = fetchMetadata(silentFetch, URL_, 500).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    expect(await outcome).toMatchObject({
      code: 'model-stalled',
      message: expect.stringMatching(
        /^The model metadata download stalled: no data for 0\.5 s/,
      ) as unknown,
    });
  });

  it('defaults to 30 s', () => {
    expect(DEFAULT_STALL_TIMEOUT_MS).toBe(30_000);
  });
});
