/**
 * bench.html (npm run bench only): drives the real inference worker through the inference client,
 * one worker ("slot") per model, so latencies are the app's own (same session options, same
 * ModelRunner). Exposes `window.__bench` (api.ts) to the Playwright side (bench/browserBench.ts).
 */
import { createInferenceClient } from '../../src/client/inferenceClient';
import type { ClientEvent, InferenceClient } from '../../src/client/inferenceClient';
import { rgbClipBitmaps } from '../../src/client/rgbClip';
import type { BackendChosen } from '../../src/workers/protocol';
import type { BenchApi, BenchInit } from './api';

type Listener = (event: ClientEvent) => boolean; // true: done, remove

interface Slot {
  readonly client: InferenceClient;
  readonly listeners: Set<Listener>;
}

const slots = new Map<string, Slot>();
const status = document.getElementById('status')!;

function slotOf(name: string): Slot {
  let slot = slots.get(name);
  if (slot === undefined) {
    const listeners = new Set<Listener>();
    const client = createInferenceClient((event) => {
      status.textContent = `${name}: ${event.type}`;
      for (const l of [...listeners]) if (l(event)) listeners.delete(l);
    });
    slot = { client, listeners };
    slots.set(name, slot);
  }
  return slot;
}

function next<T>(slot: Slot, pick: (event: ClientEvent) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    slot.listeners.add((event) => {
      const value = pick(event);
      if (value === undefined) return false;
      resolve(value);
      return true;
    });
  });
}

const api: BenchApi = {
  async hasAdapter() {
    return (await navigator.gpu?.requestAdapter().catch(() => null)) != null;
  },
  init(name, metadataUrl, backend, options) {
    const slot = slotOf(name);
    const started = performance.now();
    let chosen: BackendChosen | null = null;
    const outcome = next(slot, (event): BenchInit | undefined => {
      if (event.type === 'backend') chosen = event;
      const pageMs = performance.now() - started;
      if (event.type === 'ready') {
        const { backend: used, warmupMs, initMs } = event;
        return { backend: chosen, ready: { backend: used, warmupMs, initMs }, error: null, pageMs };
      }
      if (event.type === 'error' && event.fatal) {
        return { backend: chosen, ready: null, error: event, pageMs };
      }
      return undefined;
    });
    slot.client.init({
      metadataUrl,
      backend,
      warmupLevels: options.warmupLevels,
      bypassCache: true,
      verboseLogs: options.verboseLogs,
      // The exported fp32 weights, as the onnxruntime-node rows time them; the int8 weights the
      // app runs on WASM are timed by training/mone/variants.py (docs/benchmarks.md).
      weights: 'fp32',
    });
    return outcome;
  },
  async feed(name, url, frames, height, width) {
    const slot = slotOf(name);
    const bitmaps = await rgbClipBitmaps(url, frames, height, width);
    slot.client.resetClip();
    bitmaps.forEach((bitmap, t) => slot.client.sendFrame(bitmap, t / 10, performance.now()));
  },
  sweep(name, budgets, repeats) {
    const slot = slotOf(name);
    const reply = next(slot, (event) =>
      event.type === 'sweepResult' || (event.type === 'error' && event.requestId !== undefined)
        ? event
        : undefined,
    );
    if (slot.client.sweep(budgets, repeats) === null)
      throw new Error(`${name}: a run is in flight`);
    return reply;
  },
  stats(name) {
    const slot = slotOf(name);
    const reply = next(slot, (event) => (event.type === 'stats' ? event : undefined));
    slot.client.requestStats();
    return reply;
  },
  dispose(name) {
    slots.get(name)?.client.dispose();
    slots.delete(name);
  },
};

window.__bench = api;
status.textContent = 'idle';
