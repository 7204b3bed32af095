/**
 * The engine's model switches with onnxruntime, the network and the canvas stubbed out: one
 * session per model, the cache of loaded models, superseded requests, a failed switch; and
 * dispose (every session released, the counts handed over).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseModelMetadata, type ModelMetadata } from '../model/metadata';
import { tinyInt8Entry, tinyMetadataJson } from '../model/testFixtures';
import type { FromWorker, InitRequest } from '../workers/protocol';
import { InferenceEngine } from './engine';
import { MAX_LOADED_MODELS } from '../model/modelsIndex';
import { THREADED_START_TIMEOUT_MS } from '../model/threadFallback';
import { createHash } from 'node:crypto';
import { FakeCacheStorage } from '../model/fakeCacheStorage';
import { listKeptModels } from '../model/keptModels';
import type { OwnModelSource } from '../workers/protocol';

const released: string[] = [];
/** How the mocked createSession behaves: build, hang forever, or fail. */
const sessionMode = { value: 'ok' as 'ok' | 'hang' | 'fail' };
/** The mocked ClipBuffer holds a full clip (runs can go ahead). */
const clipReady = { value: false };
/** The stall timeout each metadata fetch got. */
const stallTimeouts: number[] = [];

/** Weight files loadModel was asked for, in order; files it fails for (like a 404). */
const loadedFiles: string[] = [];
const missingFiles = new Set<string>();

/**
 * '/models/a.json' → metadata named 'a'; 'missing' answers like a 404; a name starting with 'q'
 * lists int8 weights for WASM (`<name>.int8.onnx`).
 */
function metaFor(url: string): ModelMetadata {
  const name = /\/([^/]+)\.json$/.exec(url)![1]!;
  if (name === 'missing') throw new Error('HTTP 404');
  const variant = name.startsWith('dense') ? 'dense' : 'mone';
  const int8 = { ...tinyInt8Entry(), file: `${name}.int8.onnx` };
  const weights = name.startsWith('q') ? { weight_files: [int8] } : {};
  return parseModelMetadata({
    ...tinyMetadataJson(),
    name,
    variant,
    model_file: `${name}.onnx`,
    ...weights,
  });
}

vi.mock('../model/adapterProbe', () => ({ probeAdapter: () => Promise.resolve(null) }));
vi.mock('./modelLoader', () => ({
  DEFAULT_STALL_TIMEOUT_MS: 30_000,
  fetchMetadata: (_fetch: unknown, url: string, stallMs: number) => {
    stallTimeouts.push(stallMs);
    return Promise.resolve().then(() => metaFor(url));
  },
  loadModel: (url: string, meta: { model_file: string }) => {
    loadedFiles.push(meta.model_file);
    return missingFiles.has(meta.model_file)
      ? Promise.reject(new Error(`The model is missing: ${url} answered HTTP 404.`))
      : Promise.resolve({ bytes: new Uint8Array(1), fromCache: false, downloaded: true });
  },
  modelUrlOf: (url: string, file: string) => new URL(file, url).href,
  clearModelCache: () => Promise.resolve(0),
}));
vi.mock('./session', () => ({
  configureRuntime: () => undefined,
  createSession: (_bytes: unknown, _backend: unknown, meta: ModelMetadata) =>
    sessionMode.value === 'hang'
      ? new Promise(() => undefined)
      : sessionMode.value === 'fail'
        ? Promise.reject(new Error('pthread pool failed'))
        : Promise.resolve({
            device: null,
            runner: {
              run: () =>
                Promise.resolve({
                  logits: new Float32Array(3),
                  expertIndex: new Int32Array(64),
                  routerProbs: new Float32Array(256),
                }),
              release: () => {
                released.push(meta.name);
                return Promise.resolve();
              },
            },
          }),
}));
// The real ClipBuffer needs an OffscreenCanvas.
vi.mock('./clipBuffer', () => ({
  ClipBuffer: class {
    size = 0;
    framesReceived = 0;
    framesDropped = 0;
    useModel() {}
    reset() {}
    takeInto() {
      return clipReady.value ? { time: 1, capturedAt: 0, preprocessMs: 0 } : null;
    }
  },
}));

vi.stubGlobal('self', {
  location: { href: 'http://app.test/', origin: 'http://app.test' },
  crossOriginIsolated: true,
});
vi.stubGlobal('navigator', { hardwareConcurrency: 2 });

function engine() {
  const posted: FromWorker[] = [];
  const e = new InferenceEngine((m) => posted.push(m));
  const init = (name: string, stallTimeoutMs?: number, more: Partial<InitRequest> = {}) =>
    e.init({
      type: 'init',
      metadataUrl: `/models/${name}.json`,
      backend: 'wasm',
      warmupLevels: [],
      ...(stallTimeoutMs !== undefined ? { stallTimeoutMs } : {}),
      ...more,
    });
  const use = (name: string) =>
    e.useModel({ type: 'useModel', metadataUrl: `/models/${name}.json`, warmupLevels: [0.5] });
  const readies = () =>
    posted.flatMap((m) =>
      m.type === 'ready' ? [`${m.metadata.name}${m.cached ? ' (cached)' : ''}`] : [],
    );
  const stats = () => {
    e.stats();
    const last = posted.at(-1);
    if (last?.type !== 'stats') throw new Error('no stats');
    return last;
  };
  return { e, posted, init, use, readies, stats };
}

beforeEach(() => {
  loadedFiles.length = 0;
  missingFiles.clear();
  released.length = 0;
  sessionMode.value = 'ok';
  clipReady.value = false;
  stallTimeouts.length = 0;
});

describe('InferenceEngine model switches', () => {
  it('A → B → A: one session per model, the second visit to A reuses its session', async () => {
    const { init, use, readies, stats } = engine();
    await init('a');
    await use('b');
    await use('a');
    expect(readies()).toEqual(['a', 'b', 'a (cached)']);
    expect(stats()).toMatchObject({
      sessionsCreated: 2,
      sessionsByModel: { a: 1, b: 1 },
      loadedModels: ['b', 'a'],
    });
    expect(released).toEqual([]);
  });

  it(`keeps ${MAX_LOADED_MODELS} models: a third releases the least recently used`, async () => {
    const { init, use, stats } = engine();
    await init('a');
    await use('b');
    await use('a');
    await use('c'); // b is the least recently used
    expect(released).toEqual(['b']);
    expect(stats().loadedModels).toEqual(['a', 'c']);
    await use('b'); // loaded again: its second session
    expect(released).toEqual(['b', 'a']);
    expect(stats().sessionsByModel).toEqual({ a: 1, b: 2, c: 1 });
  });

  it('answers only the last of several requests made while a model loads', async () => {
    const { init, use, readies, posted } = engine();
    const first = init('a');
    const queued = use('b'); // arrives during init: waits
    const last = use('c'); // replaces b
    await Promise.all([first, queued, last]);
    expect(readies()).toEqual(['c']);
    expect(posted.filter((m) => m.type === 'error')).toEqual([]);
  });

  it('a switch that fails keeps the previous model running and says why', async () => {
    const { init, use, posted, readies } = engine();
    await init('a');
    await use('missing');
    expect(readies()).toEqual(['a', 'a (cached)']);
    expect(posted.at(-1)).toMatchObject({ type: 'error', fatal: false });
    expect(posted.at(-1)).toHaveProperty('message', expect.stringContaining('HTTP 404'));
  });

  it('warms up the default budget once on WASM when the request names no levels', async () => {
    const { e, init, posted } = engine();
    await init('a');
    await e.useModel({ type: 'useModel', metadataUrl: '/models/b.json' });
    const warmups = posted.filter((m) => m.type === 'warmup');
    expect(warmups.at(-1)).toEqual({ type: 'warmup', done: 1, total: 1 }); // not b's 4 levels
    expect(posted.at(-1)).toMatchObject({ type: 'ready', metadataUrl: '/models/b.json' });
  });

  it('warms up a dense model once: it ignores the budget', async () => {
    const { e, init, posted } = engine();
    await init('a');
    await e.useModel({ type: 'useModel', metadataUrl: '/models/dense.json' });
    expect(posted.filter((m) => m.type === 'warmup').at(-1)).toEqual({
      type: 'warmup',
      done: 1,
      total: 1,
    });
  });

  it("a switch's downloads have the init's stall timeout", async () => {
    const { init, use } = engine();
    await init('a', 2000);
    await use('b');
    expect(stallTimeouts).toEqual([2000, 2000]);
  });

  it('dispose releases every loaded model and hands over the session counts', async () => {
    const { e, init, use, posted } = engine();
    await init('a');
    await use('b');
    await e.dispose();
    expect(released.toSorted()).toEqual(['a', 'b']);
    expect(posted.at(-1)).toEqual({
      type: 'disposed',
      sessionsCreated: 2,
      sessionsByModel: { a: 1, b: 1 },
    });
  });

  it('dispose during a switch: the switch stops quietly, nothing is left loaded', async () => {
    const { e, init, use, posted } = engine();
    await init('a');
    const switching = use('b');
    const disposing = e.dispose();
    await Promise.all([switching, disposing]);
    expect(released).toEqual(['a']); // b never got a session
    expect(posted.filter((m) => m.type === 'error')).toEqual([]);
    expect(posted.at(-1)).toMatchObject({ type: 'disposed', sessionsByModel: { a: 1 } });
  });

  it('refuses a switch before init', async () => {
    const { use, posted } = engine();
    await use('a');
    expect(posted).toEqual([expect.objectContaining({ type: 'error', code: 'not-ready' })]);
  });
});

describe('InferenceEngine threads', () => {
  // The stubs above make the page cross-origin isolated with 2 cores: 2 WASM threads.
  it('a threaded first session that hangs past the deadline asks for one thread', async () => {
    vi.useFakeTimers();
    try {
      sessionMode.value = 'hang';
      const { init, posted } = engine();
      const done = init('a');
      await vi.advanceTimersByTimeAsync(THREADED_START_TIMEOUT_MS);
      await done;
      expect(posted.find((m) => m.type === 'backend')).toMatchObject({ threads: 2 });
      expect(posted.at(-1)).toMatchObject({
        type: 'error',
        code: 'threads-unavailable',
        fatal: true,
      });
      expect(posted.at(-1)).toHaveProperty(
        'message',
        expect.stringContaining('Multi-threaded WASM (2 threads) could not start'),
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it('a threaded first session that fails asks for one thread; one thread just fails', async () => {
    sessionMode.value = 'fail';
    const threaded = engine();
    await threaded.init('a');
    expect(threaded.posted.at(-1)).toMatchObject({ code: 'threads-unavailable' });
    const single = engine();
    await single.e.init({
      type: 'init',
      metadataUrl: '/models/a.json',
      backend: 'wasm',
      warmupLevels: [],
      maxThreads: 1,
    });
    expect(single.posted.find((m) => m.type === 'backend')).toMatchObject({ threads: 1 });
    expect(single.posted.at(-1)).toMatchObject({ type: 'error', fatal: true });
    expect(single.posted.at(-1)).not.toMatchObject({ code: 'threads-unavailable' });
  });
});

describe('InferenceEngine compare mode', () => {
  let nextId = 1;
  const compared = (e: InferenceEngine, baseline: string) =>
    e.run({
      type: 'run',
      requestId: nextId++,
      counts: [4, 4, 4, 4],
      ec: 0.5,
      baseline: { metadataUrl: `/models/${baseline}.json` },
    });
  const results = (posted: FromWorker[]) => posted.flatMap((m) => (m.type === 'result' ? [m] : []));

  it('runs the baseline on the same clip, loading it once: one session per model', async () => {
    clipReady.value = true;
    const { e, init, posted, stats, readies } = engine();
    await init('a');
    const before = posted.length;
    await compared(e, 'dense');
    await compared(e, 'dense');
    const [first, second] = results(posted);
    for (const r of [first, second]) {
      expect(r?.baseline).toMatchObject({ ok: true, model: 'dense' });
      if (r?.baseline?.ok !== true) throw new Error('no baseline');
      expect(r.baseline.probs).toHaveLength(3);
      expect(r.baseline.runMs).toBeGreaterThanOrEqual(0);
      expect(r.baseline.gmacs).toBeGreaterThan(r.gmacs); // all tokens on the full expert
    }
    // The baseline's download and warm-up are tagged: the page keeps the running model ready.
    const progress = posted
      .slice(before)
      .filter((m) => m.type === 'warmup' || m.type === 'loadProgress');
    expect(progress).toHaveLength(2); // the dense warm-up's one run: 0/1, 1/1
    expect(progress.every((m) => 'purpose' in m && m.purpose === 'baseline')).toBe(true);
    expect(readies()).toEqual(['a']); // no `ready` for the baseline
    expect(stats()).toMatchObject({
      sessionsCreated: 2,
      sessionsByModel: { a: 1, dense: 1 },
      loadedModels: ['dense', 'a'], // the running model is kept longest
      runs: 4,
    });
  });

  it('a run without a baseline runs one model; the baseline session stays loaded', async () => {
    clipReady.value = true;
    const { e, init, posted, stats } = engine();
    await init('a');
    await compared(e, 'dense');
    await e.run({ type: 'run', requestId: 99, counts: [4, 4, 4, 4], ec: 0.5 });
    expect(results(posted).at(-1)).not.toHaveProperty('baseline');
    expect(stats()).toMatchObject({ loadedModels: ['dense', 'a'], runs: 3 });
    expect(released).toEqual([]);
  });

  it('a baseline that cannot be compared or loaded is named; the model result still comes', async () => {
    clipReady.value = true;
    const { e, init, posted, stats } = engine();
    await init('a');
    await compared(e, 'b');
    await compared(e, 'missing');
    const [mone, missing] = results(posted);
    expect(mone?.baseline).toEqual({
      ok: false,
      metadataUrl: '/models/b.json',
      message: '"b" cannot be compared with "a": it is not a dense model.',
    });
    expect(missing?.baseline).toMatchObject({ ok: false });
    expect(missing?.baseline).toHaveProperty('message', expect.stringContaining('HTTP 404'));
    expect(missing?.probs).toHaveLength(3);
    expect(stats()).toMatchObject({ sessionsByModel: { a: 1 } }); // no session for either
    await compared(e, 'dense'); // the engine is still ready
    expect(results(posted).at(-1)?.baseline).toMatchObject({ ok: true });
  });

  it('a model switch made during a compared run happens; the baseline yields to it', async () => {
    clipReady.value = true;
    const { e, init, use, posted, readies } = engine();
    await init('a');
    const run = compared(e, 'dense');
    const switching = use('c');
    await Promise.all([run, switching]);
    await vi.waitFor(() => expect(readies()).toEqual(['a', 'c']));
    // Here the switch reached the engine before the run reached its baseline: the switch keeps
    // the engine, and this clip's baseline is skipped with the reason (it used to drop 'c').
    expect(results(posted)[0]?.baseline).toMatchObject({
      ok: false,
      message: 'A model switch is in progress: the baseline runs from the next clip.',
    });
    await compared(e, 'dense'); // the next clip on 'c' compares again
    expect(results(posted).at(-1)?.baseline).toMatchObject({ ok: true });
  });
});

describe('InferenceEngine: a model from disk', () => {
  const bytes = Uint8Array.from([1, 2, 3, 4, 5]);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const own = (edit: (m: Record<string, unknown>) => void = () => undefined): OwnModelSource => {
    const meta: Record<string, unknown> = {
      ...tinyMetadataJson(),
      name: 'mine',
      model_bytes: bytes.length,
      model_sha256: sha256,
    };
    edit(meta);
    const model = bytes.slice().buffer;
    const metadataText = JSON.stringify(meta);
    return {
      kind: 'files',
      sha256,
      modelFile: 'mine.onnx',
      metadataFile: 'mine.json',
      metadataText,
      model,
      keep: true,
    };
  };

  it('runs the bytes it was given, keeps the pair after warm-up, and reuses its session', async () => {
    const caches = new FakeCacheStorage();
    vi.stubGlobal('caches', caches);
    const { e, init, use, readies, stats } = engine();
    await init('a');
    const id = `own:${sha256}`;
    await e.useModel({ type: 'useModel', metadataUrl: id, own: own(), warmupLevels: [] });
    expect(readies()).toEqual(['a', 'mine']);
    expect(stats()).toMatchObject({ modelDownloads: 1, sessionsByModel: { a: 1, mine: 1 } });
    const kept = await listKeptModels(caches as unknown as CacheStorage, 'http://app.test');
    expect(kept.map((k) => k.sha256)).toEqual([sha256]);
    await use('a');
    await e.useModel({ type: 'useModel', metadataUrl: id, own: { kind: 'kept', sha256 } });
    expect(readies()).toEqual(['a', 'mine', 'a (cached)', 'mine (cached)']);
    vi.stubGlobal('caches', undefined); // the other tests run without Cache Storage
  });

  it('a bad pair leaves the running model in place and names the file and the field', async () => {
    const { e, init, posted, readies } = engine();
    await init('a');
    const bad = own((m) => delete m.labels);
    await e.useModel({ type: 'useModel', metadataUrl: `own:${sha256}`, own: bad });
    expect(readies()).toEqual(['a', 'a (cached)']);
    expect(posted.at(-1)).toEqual({
      type: 'error',
      code: 'own-model',
      message:
        'Your model ("mine.onnx" + "mine.json") was not opened: mine.json: model metadata: labels: is required. a keeps running.',
      fatal: false,
    });
  });
});

describe('InferenceEngine weights', () => {
  const weightsOf = (posted: FromWorker[]) =>
    posted.flatMap((m) => (m.type === 'ready' ? [m.weights] : []));

  it('runs the int8 file the metadata lists for WASM, and model_file for a model without one', async () => {
    const { init, use, posted } = engine();
    await init('q');
    await use('a');
    expect(loadedFiles).toEqual(['q.int8.onnx', 'a.onnx']);
    expect(weightsOf(posted).map((w) => [w.kind, w.file])).toEqual([
      ['int8-dynamic', 'q.int8.onnx'],
      ['fp32', 'a.onnx'],
    ]);
    expect(weightsOf(posted)[0]!.reason).toMatch(/^int8 weights on WASM: test top-1/);
  });

  it("'fp32' loads model_file for every model of the worker", async () => {
    const { init, use, posted } = engine();
    await init('q', undefined, { weights: 'fp32' });
    await use('q2');
    expect(loadedFiles).toEqual(['q.onnx', 'q2.onnx']);
    expect(weightsOf(posted).map((w) => w.reason)).toEqual([
      'fp32 weights: forced (the int8 weights for WASM are not used)',
      'fp32 weights: forced (the int8 weights for WASM are not used)',
    ]);
  });

  it('an int8 file that fails is named in a warning and model_file runs', async () => {
    missingFiles.add('q.int8.onnx');
    const { init, posted, stats } = engine();
    await init('q');
    expect(loadedFiles).toEqual(['q.int8.onnx', 'q.onnx']);
    const warning = posted.find((m) => m.type === 'error');
    expect(warning).toMatchObject({ code: 'weights-fallback', fatal: false });
    expect(warning?.type === 'error' && warning.message).toMatch(
      /^q: q\.int8\.onnx could not be used \(The model is missing: .*HTTP 404\.\); q\.onnx runs instead\.$/,
    );
    expect(weightsOf(posted)).toEqual([
      {
        kind: 'fp32',
        file: 'q.onnx',
        bytes: 123456,
        reason: 'fp32 weights: the int8 weights could not be used',
      },
    ]);
    expect(stats()).toMatchObject({ sessionsCreated: 1, sessionsByModel: { q: 1 } });
  });

  it('a model_file that fails after the int8 one is the fatal error', async () => {
    missingFiles.add('q.int8.onnx');
    missingFiles.add('q.onnx');
    const { init, posted } = engine();
    await init('q');
    expect(
      posted.filter((m) => m.type === 'error').map((m) => m.type === 'error' && m.code),
    ).toEqual(['weights-fallback', 'internal']);
    expect(posted.at(-1)).toMatchObject({ type: 'error', fatal: true });
  });

  it('a failing int8 session does not hide a threads failure (the client retries on one thread)', async () => {
    sessionMode.value = 'fail';
    const { e, posted } = engine();
    await e.init({
      type: 'init',
      metadataUrl: '/models/q.json',
      backend: 'wasm',
      warmupLevels: [],
    });
    expect(loadedFiles).toEqual(['q.int8.onnx']);
    expect(posted.at(-1)).toMatchObject({ type: 'error', code: 'threads-unavailable' });
  });
});
