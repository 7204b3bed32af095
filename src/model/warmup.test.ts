import { describe, expect, it } from 'vitest';
import { defaultWarmupLevels } from './warmup';

const budget = { levels: [0.15, 0.5, 1], default_ec: 0.5 };

describe('defaultWarmupLevels', () => {
  it('runs every budget level on WebGPU: each new set of shapes compiles shaders', () => {
    expect(defaultWarmupLevels({ variant: 'mone', budget } as never, 'webgpu')).toEqual([
      0.15, 0.5, 1,
    ]);
  });

  it('runs the default budget once on WASM: nothing compiles per shape', () => {
    expect(defaultWarmupLevels({ variant: 'mone', budget } as never, 'wasm')).toEqual([0.5]);
  });

  it('leaves a dense model to its one run whatever the backend', () => {
    expect(defaultWarmupLevels({ variant: 'dense', budget } as never, 'webgpu')).toEqual([]);
    expect(defaultWarmupLevels({ variant: 'dense', budget } as never, 'wasm')).toEqual([]);
  });
});
