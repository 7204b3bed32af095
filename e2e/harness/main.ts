/**
 * inference.html: the real inference worker driven through the inference client, no UI. The page's
 * `?backend=wasm|webgpu` is forwarded to init. See api.ts for what it exposes.
 */
import { createInferenceClient } from '../../src/client/inferenceClient';
import { rgbClipBitmaps } from '../../src/client/rgbClip';
import type { ClientEvent } from '../../src/client/inferenceClient';
import type { BackendPreference, EngineError, LoadProgress } from '../../src/workers/protocol';
import type { InferenceHarnessApi, InitOutcome, RunOutcome } from './api';

const requested = new URLSearchParams(location.search).get('backend') ?? 'auto';
const preference: BackendPreference =
  requested === 'wasm' || requested === 'webgpu' ? requested : 'auto';
const status = document.getElementById('status')!;

type Listener = (event: ClientEvent) => boolean; // true: done, remove
const listeners = new Set<Listener>();
const client = createInferenceClient((event) => {
  status.textContent = event.type === 'error' ? `error: ${event.message}` : event.type;
  for (const listener of [...listeners]) if (listener(event)) listeners.delete(listener);
});

/** Resolves with the first event `pick` maps to a value. */
function next<T>(pick: (event: ClientEvent) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    listeners.add((event) => {
      const value = pick(event);
      if (value === undefined) return false;
      resolve(value);
      return true;
    });
  });
}

function answer(requestId: number): Promise<RunOutcome> {
  return next((event): RunOutcome | undefined => {
    if (!('requestId' in event) || event.requestId !== requestId) return undefined;
    if (event.type !== 'result') return event.type === 'sweepResult' ? undefined : event;
    return {
      type: 'result',
      ec: event.ec,
      counts: event.counts,
      logits: event.logits ?? [],
      probs: event.probs,
      expertIndex: Array.from(event.expertIndex),
      observedCounts: event.observedCounts,
      gmacs: event.gmacs,
      timings: event.timings,
    };
  });
}

const api: InferenceHarnessApi = {
  requested,
  async hasAdapter() {
    return (await navigator.gpu?.requestAdapter().catch(() => null)) != null;
  },
  init(options = {}) {
    const progress: LoadProgress[] = [];
    const warnings: EngineError[] = [];
    let backend: InitOutcome['backend'] = null;
    let warmupSteps = 0;
    const outcome = next((event): InitOutcome | undefined => {
      if (event.type === 'backend') backend = event;
      if (event.type === 'loadProgress') progress.push(event);
      if (event.type === 'warmup') warmupSteps = event.done;
      if (event.type === 'error' && !event.fatal) warnings.push(event);
      const base = { backend, warnings, progress, warmupSteps };
      if (event.type === 'ready') {
        const { backend: used, weights, warmupMs, initMs } = event;
        return { ...base, ready: { backend: used, weights, warmupMs, initMs }, error: null };
      }
      if (event.type === 'error' && event.fatal) return { ...base, ready: null, error: event };
      return undefined;
    });
    client.init({
      metadataUrl: '/models/mone-vivit-s.json',
      backend: preference,
      warmupLevels: options.warmupLevels ?? [0.5],
      bypassCache: options.bypassCache ?? false,
      verboseLogs: options.verboseLogs ?? false,
      weights: options.weights ?? 'auto',
    });
    return outcome;
  },
  async feedGolden({ url, frames, height, width, fps }) {
    const bitmaps = await rgbClipBitmaps(url, frames, height, width);
    client.resetClip();
    bitmaps.forEach((bitmap, t) => client.sendFrame(bitmap, t / fps, performance.now()));
  },
  async run(counts, ec) {
    const id = client.run(counts, ec);
    return id === null ? { type: 'rejected' } : answer(id);
  },
  async runTwice(counts, ec) {
    const first = client.run(counts, ec);
    const second = client.run(counts, ec);
    const outcomes: Promise<RunOutcome>[] = [
      first === null ? Promise.resolve({ type: 'rejected' }) : answer(first),
      second === null ? Promise.resolve({ type: 'rejected' }) : answer(second),
    ];
    const [a, b] = await Promise.all(outcomes);
    return [a!, b!];
  },
  async sweep(budgets, repeats) {
    const id = client.sweep(budgets, repeats);
    if (id === null) throw new Error('a run is in flight');
    return next((event) =>
      (event.type === 'sweepResult' || event.type === 'error') && event.requestId === id
        ? event
        : undefined,
    );
  },
  stats() {
    const reply = next((event) => (event.type === 'stats' ? event : undefined));
    client.requestStats();
    return reply;
  },
  clearCache() {
    const reply = next((event) =>
      event.type === 'cacheCleared' || (event.type === 'error' && event.code === 'cache')
        ? event
        : undefined,
    );
    client.clearCache();
    return reply;
  },
};

window.__inferenceHarness = api;
status.textContent = 'idle';
