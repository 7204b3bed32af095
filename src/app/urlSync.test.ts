import { describe, expect, it } from 'vitest';
import { createAppStore } from '../store';
import { readyEvent } from '../store/testing';
import { urlStateOf } from './urlSync';

const initial = { ec: 0.3, sample: 'receding', backend: 'wasm' as const, model: 'vivit-dense-s' };

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
    });
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
  });

  it('drops the sample while the camera or a file plays', () => {
    const store = createAppStore();
    store.getState().fileChosen('mine.mp4');
    expect(urlStateOf(store.getState(), initial).sample).toBeNull();
  });
});
