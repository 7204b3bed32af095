import { describe, expect, it } from 'vitest';
import { parseUrlState, serialiseUrlState } from './urlState';

describe('parseUrlState', () => {
  it('reads budget, sample and backend', () => {
    expect(parseUrlState('?ec=0.35&sample=moving_left&backend=wasm')).toEqual({
      ec: 0.35,
      ecText: '0.35',
      sample: 'moving_left',
      backend: 'wasm',
      model: null,
      weights: 'auto',
      stallSeconds: null,
      problems: [],
    });
  });

  it('reads the model id as it is (the model index checks it)', () => {
    expect(parseUrlState('?model=vivit-dense-s')).toMatchObject({
      model: 'vivit-dense-s',
      problems: [],
    });
    expect(parseUrlState('?model=')).toMatchObject({
      model: null,
      problems: ['model= names no model; it was ignored.'],
    });
  });

  it('defaults to auto backend and nulls', () => {
    expect(parseUrlState('')).toEqual({
      ec: null,
      ecText: null,
      sample: null,
      backend: 'auto',
      model: null,
      weights: 'auto',
      stallSeconds: null,
      problems: [],
    });
  });

  it('ignores non-numeric and non-finite budgets with a message naming the value', () => {
    for (const [text, why] of [
      ['lots', 'is not a number'],
      ['Infinity', 'is not a number'],
      ['-Infinity', 'is not a number'],
      ['NaN', 'is not a number'],
      ['0x1', 'is not a number'],
      ['', 'is not a number'],
      ['1e400', 'is not a finite number'],
    ]) {
      const state = parseUrlState(`?ec=${text}`);
      expect(state.ec, text).toBeNull();
      expect(state.problems, text).toEqual([`ec=${text} ${why}; it was ignored.`]);
    }
  });

  it('keeps out-of-range budgets, tiny ones included, for the model range check', () => {
    expect(parseUrlState('?ec=5')).toMatchObject({ ec: 5, ecText: '5', problems: [] });
    expect(parseUrlState('?ec=99').ec).toBe(99);
    // 1e-400 underflows to 0: kept as a number below any range, and as written for the message.
    expect(parseUrlState('?ec=1e-400')).toMatchObject({ ec: 0, ecText: '1e-400', problems: [] });
  });

  it('ignores an unknown backend and an empty sample with a message', () => {
    expect(parseUrlState('?backend=cuda&sample=')).toMatchObject({
      backend: 'auto',
      sample: null,
      problems: [
        'backend=cuda is not one of auto, webgpu, wasm; it was ignored.',
        'sample= names no sample; it was ignored.',
      ],
    });
  });

  it('lists unknown parameters as ignored', () => {
    expect(parseUrlState('?colour=red').problems).toEqual([
      'Unknown link parameter ignored: colour=red.',
    ]);
    expect(parseUrlState('?ec=0.3&colour=red&debug').problems).toEqual([
      'Unknown link parameters ignored: colour=red, debug.',
    ]);
    // Every parameter the app reads is known.
    expect(
      parseUrlState('?model=mone-vivit-s&ec=0.3&sample=static&backend=wasm&weights=fp32&stall=5')
        .problems,
    ).toEqual([]);
  });

  it('reads which weights run, ignoring an unknown value with a message', () => {
    expect(parseUrlState('?weights=fp32')).toMatchObject({ weights: 'fp32', problems: [] });
    expect(parseUrlState('?weights=auto')).toMatchObject({ weights: 'auto', problems: [] });
    expect(parseUrlState('?weights=fp16')).toMatchObject({
      weights: 'auto',
      problems: ['weights=fp16 is not one of auto, fp32; it was ignored.'],
    });
  });

  it('reads the stall timeout in seconds, clamped to its range with a message', () => {
    expect(parseUrlState('?stall=2')).toMatchObject({ stallSeconds: 2, problems: [] });
    expect(parseUrlState('?stall=0.01')).toMatchObject({
      stallSeconds: 1,
      problems: ['stall=0.01 is outside [1, 600] seconds; using 1.'],
    });
    expect(parseUrlState('?stall=1e9').stallSeconds).toBe(600);
    expect(parseUrlState('?stall=soon')).toMatchObject({
      stallSeconds: null,
      problems: ['stall=soon is not a number; it was ignored.'],
    });
  });
});

describe('serialiseUrlState', () => {
  it('writes only non-default values', () => {
    expect(
      serialiseUrlState({ ec: null, sample: null, backend: 'auto', model: null, weights: 'auto' }),
    ).toBe('');
    expect(
      serialiseUrlState({
        ec: 0.5,
        sample: 'static',
        backend: 'webgpu',
        model: 'vivit-dense-s',
        weights: 'fp32',
      }),
    ).toBe('?ec=0.5&sample=static&backend=webgpu&model=vivit-dense-s&weights=fp32');
  });

  it('keeps foreign parameters and replaces ours', () => {
    expect(
      serialiseUrlState(
        { ec: 0.25, sample: null, backend: 'wasm', model: null, weights: 'auto' },
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
      weights: 'fp32' as const,
    };
    expect(parseUrlState(serialiseUrlState(state))).toMatchObject({ ...state, problems: [] });
  });

  it('rounds float dust from the slider', () => {
    expect(
      serialiseUrlState({
        ec: 0.30000000000000004,
        sample: null,
        backend: 'auto',
        model: null,
        weights: 'auto',
      }),
    ).toBe('?ec=0.3');
  });
});
