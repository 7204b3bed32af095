/**
 * bench.html (npm run bench only): drives the real inference worker through the bridge, one
 * worker ("slot") per model, so latencies are the app's own (same session options, same
 * ModelRunner). Exposes `window.__bench` to the Playwright side (bench/browserBench.ts); every
 * value it returns is plain data.
 */
import { createEngineBridge } from '../engine/bridge';
import { rgbClipBitmaps } from '../engine/rgbClip';
import type { BridgeEvent, EngineBridge } from '../engine/bridge';
import type {
  BackendChosen,
  BackendPreference,
  EngineError,
  EngineStats,
  SweepResult,
} from '../workers/protocol';

export interface BenchInit {
  readonly backend: BackendChosen | null;
  readonly ready: { backend: string; warmupMs: number; initMs: number } | null;
  readonly error: EngineError | null;
  /** ms from the init call to ready, on this page's clock. */
  readonly pageMs: number;
}

export interface BenchApi {
  hasAdapter(): Promise<boolean>;
  init(
    slot: string,
    metadataUrl: string,
    backend: BackendPreference,
    options: { warmupLevels: number[]; verboseLogs: boolean },
  ): Promise<BenchInit>;
  /** Sends a THWC uint8 RGB clip to the slot's worker as ImageBitmaps. */
  feed(slot: string, url: string, frames: number, height: number, width: number): Promise<void>;
  sweep(
    slot: string,
    budgets: { ec: number; counts: number[] }[],
    repeats: number,
  ): Promise<SweepResult | EngineError>;
  stats(slot: string): Promise<EngineStats>;
  dispose(slot: string): void;
}

declare global {
  interface Window {
    __bench?: BenchApi;
  }
}

type Listener = (event: BridgeEvent) => boolean; // true: done, remove

interface Slot {
  readonly bridge: EngineBridge;
  readonly listeners: Set<Listener>;
}

const slots = new Map<string, Slot>();
const status = document.getElementById('status')!;

function slotOf(name: string): Slot {
  let slot = slots.get(name);
  if (slot === undefined) {
    const listeners = new Set<Listener>();
    const bridge = createEngineBridge((event) => {
      status.textContent = `${name}: ${event.type}`;
      for (const l of [...listeners]) if (l(event)) listeners.delete(l);
    });
    slot = { bridge, listeners };
    slots.set(name, slot);
  }
  return slot;
}

function next<T>(slot: Slot, pick: (event: BridgeEvent) => T | undefined): Promise<T> {
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
    slot.bridge.init({
      metadataUrl,
      backend,
      warmupLevels: options.warmupLevels,
      bypassCache: true,
      verboseLogs: options.verboseLogs,
    });
    return outcome;
  },
  async feed(name, url, frames, height, width) {
    const slot = slotOf(name);
    const bitmaps = await rgbClipBitmaps(url, frames, height, width);
    slot.bridge.resetClip();
    bitmaps.forEach((bitmap, t) => slot.bridge.sendFrame(bitmap, t / 10, performance.now()));
  },
  sweep(name, budgets, repeats) {
    const slot = slotOf(name);
    const reply = next(slot, (event) =>
      event.type === 'sweepResult' || (event.type === 'error' && event.requestId !== undefined)
        ? event
        : undefined,
    );
    if (slot.bridge.sweep(budgets, repeats) === null)
      throw new Error(`${name}: a run is in flight`);
    return reply;
  },
  stats(name) {
    const slot = slotOf(name);
    const reply = next(slot, (event) => (event.type === 'stats' ? event : undefined));
    slot.bridge.requestStats();
    return reply;
  },
  dispose(name) {
    slots.get(name)?.bridge.dispose();
    slots.delete(name);
  },
};

window.__bench = api;
status.textContent = 'idle';
