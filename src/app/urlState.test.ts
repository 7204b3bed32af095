import { describe, expect, it } from 'vitest';
import { parseUrlState, serialiseUrlState } from './urlState';

describe('parseUrlState', () => {
  it('reads budget, sample and backend', () => {
    expect(parseUrlState('?ec=0.35&sample=moving_left&backend=wasm')).toEqual({
      ec: 0.35,
      sample: 'moving_left',
      backend: 'wasm',
      model: null,
    });
  });

  it('reads the model id as it is (the model index checks it)', () => {
    expect(parseUrlState('?model=vivit-dense-s').model).toBe('vivit-dense-s');
    expect(parseUrlState('?model=').model).toBeNull();
  });

  it('defaults to auto backend and nulls', () => {
    expect(parseUrlState('')).toEqual({ ec: null, sample: null, backend: 'auto', model: null });
  });

  it('ignores unknown backends and non-numeric budgets', () => {
    expect(parseUrlState('?backend=cuda&ec=lots&sample=')).toEqual({
      ec: null,
      sample: null,
      backend: 'auto',
      model: null,
    });
  });

  it('keeps out-of-range budgets for the store to reject with a message', () => {
    expect(parseUrlState('?ec=5').ec).toBe(5);
  });
});

describe('serialiseUrlState', () => {
  it('writes only non-default values', () => {
    expect(serialiseUrlState({ ec: null, sample: null, backend: 'auto', model: null })).toBe('');
    expect(
      serialiseUrlState({ ec: 0.5, sample: 'static', backend: 'webgpu', model: 'vivit-dense-s' }),
    ).toBe('?ec=0.5&sample=static&backend=webgpu&model=vivit-dense-s');
  });

  it('keeps foreign parameters and replaces ours', () => {
    expect(
      serialiseUrlState(
        { ec: 0.25, sample: null, backend: 'wasm', model: null },
        '?debug=1&ec=0.9&sample=x&model=y',
      ),
    ).toBe('?debug=1&ec=0.25&backend=wasm');
  });

  it('round-trips', () => {
    const state = {
      ec: 0.7,
      sample: 'rotating_clockwise',
      backend: 'wasm' as const,
      model: 'mone-vivit-s',
    };
    expect(parseUrlState(serialiseUrlState(state))).toEqual(state);
  });

  it('rounds float dust from the slider', () => {
    expect(
      serialiseUrlState({ ec: 0.30000000000000004, sample: null, backend: 'auto', model: null }),
    ).toBe('?ec=0.3');
  });
});
