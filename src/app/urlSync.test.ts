import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAppStore } from '../store';
import { readyEvent } from '../store/testing';
import { startUrlSync, URL_WRITE_DELAY_MS, urlStateOf } from './urlSync';

const initial = {
  ec: 0.3,
  sample: 'receding',
  backend: 'wasm' as const,
  model: 'vivit-dense-s',
  weights: 'auto' as const,
};

describe('urlStateOf', () => {
  it('keeps the link values until the model and samples are known', () => {
    const store = createAppStore();
    store.getState().initRequested('wasm');
    expect(urlStateOf(store.getState(), initial)).toEqual(initial);
  });

  it('follows the budget, the sample label and the backend afterwards', () => {
    const store = createAppStore();
    const s = store.getState();
    s.initRequested('webgpu');
    s.engineReady(readyEvent());
    s.samplesLoaded([{ file: 'static-0.mp4', label: 'static' }]);
    s.sampleChosen('static-0.mp4');
    s.budgetChanged(0.7);
    expect(urlStateOf(store.getState(), initial)).toEqual({
      ec: 0.7,
      sample: 'static',
      backend: 'webgpu',
      model: 'vivit-dense-s', // kept until the model index is known
      weights: 'auto',
    });
    s.weightsPreferenceChosen('fp32');
    expect(urlStateOf(store.getState(), initial).weights).toBe('fp32');
  });

  it('carries a model the link or the picker chose, never the default', () => {
    const store = createAppStore();
    const s = store.getState();
    s.modelChosen({ id: 'mone-vivit-s', by: 'default' });
    expect(urlStateOf(store.getState(), initial).model).toBeNull();
    s.modelChosen({ id: 'vivit-dense-s', by: 'user' });
    expect(urlStateOf(store.getState(), initial).model).toBe('vivit-dense-s');
    s.modelChosen({ id: 'mone-vivit-s', by: 'user' });
    expect(urlStateOf(store.getState(), initial).model).toBe('mone-vivit-s');
    // A model from the user's disk: no link can carry it, so none is written.
    s.modelChosen({ id: `own:${'a'.repeat(64)}`, by: 'user' });
    expect(urlStateOf(store.getState(), initial).model).toBeNull();
  });

  it('drops the sample while the camera or a file plays', () => {
    const store = createAppStore();
    store.getState().fileChosen('mine.mp4');
    expect(urlStateOf(store.getState(), initial).sample).toBeNull();
  });
});

describe('startUrlSync', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  function readyStore(backend: 'auto' | 'wasm') {
    const store = createAppStore();
    store.getState().initRequested(backend);
    store.getState().engineReady(readyEvent());
    return store;
  }

  /** Enough of `window` for the sync: a location, replaceState, pagehide listeners. */
  function fakeWindow(search: string) {
    const location = { pathname: '/', search, hash: '' };
    const writes: string[] = [];
    const listeners = new Map<string, () => void>();
    vi.stubGlobal('window', {
      location,
      history: {
        state: null,
        replaceState: (_state: unknown, _title: string, url: string) => {
          writes.push(url);
          location.search = url.slice(1);
        },
      },
      addEventListener: (type: string, fn: () => void) => listeners.set(type, fn),
      removeEventListener: (type: string) => listeners.delete(type),
    });
    return { writes, fire: (type: string) => listeners.get(type)?.() };
  }

  it('writes a slider drag to the link once, after it stops', () => {
    vi.useFakeTimers();
    const win = fakeWindow('?backend=wasm');
    const store = readyStore('wasm');
    const stop = startUrlSync(store, '?backend=wasm');
    for (let i = 0; i <= 17; i++) store.getState().budgetChanged(0.15 + 0.05 * i);
    vi.advanceTimersByTime(URL_WRITE_DELAY_MS - 1);
    expect(win.writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(win.writes).toEqual(['/?backend=wasm&ec=1']);
    stop();
  });

  it('flushes a waiting write when the page is hidden', () => {
    vi.useFakeTimers();
    const win = fakeWindow('');
    const store = readyStore('auto');
    startUrlSync(store, '');
    store.getState().budgetChanged(0.3);
    win.fire('pagehide');
    expect(win.writes).toEqual(['/?ec=0.3']);
  });
});
