import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import shippedIndex from '../../public/models/index.json';
import { denseGmacs } from './macs';
import { parseModelMetadata } from './metadata';
import {
  defaultDependsOnBackend,
  defaultModel,
  deliberateDefault,
  metadataFileOf,
  modelById,
  ModelsIndexError,
  type ModelEntry,
} from './modelsIndex';
import { parseModelsIndex } from './modelsIndexParse';

const MODELS = new URL('../../public/models/', import.meta.url);
const readJson = (url: URL): unknown => JSON.parse(readFileSync(fileURLToPath(url), 'utf8'));

const index = parseModelsIndex(structuredClone(shippedIndex));

describe('the shipped model index', () => {
  it('lists the motion models, MoNE first, with the dense one as its baseline', () => {
    expect(index.models.map((m) => m.id)).toEqual(['mone-vivit-s', 'vivit-dense-s']);
    expect(modelById(index, 'mone-vivit-s')?.baseline).toBe('vivit-dense-s');
  });

  it.each(index.models.map((m) => [m.id, m] as const))(
    '%s matches its metadata, its file and its samples',
    (_, model: ModelEntry) => {
      const meta = parseModelMetadata(readJson(new URL(metadataFileOf(model), MODELS)));
      expect(meta.name).toBe(model.id);
      expect(meta.variant).toBe(model.kind);
      expect(meta.labels).toHaveLength(model.classes);
      expect(meta.model_bytes).toBe(model.model_bytes);
      expect(statSync(fileURLToPath(new URL(meta.model_file, MODELS))).size).toBe(
        model.model_bytes,
      );
      expect(denseGmacs(meta)).toBeCloseTo(model.dense_gmacs, 9);

      const samplesUrl = new URL(model.samples, MODELS);
      const { samples } = readJson(samplesUrl) as { samples: { file: string; label: string }[] };
      expect(new Set(samples.map((s) => s.label))).toEqual(new Set(meta.labels));
      for (const s of samples) expect(statSync(fileURLToPath(new URL(s.file, samplesUrl))).size);
    },
  );

  it('pairs each MoNE model with a baseline of the same labels', () => {
    for (const model of index.models.filter((m) => m.baseline !== undefined)) {
      const labels = (id: string) =>
        parseModelMetadata(readJson(new URL(`${id}.json`, MODELS))).labels;
      expect(labels(model.baseline!)).toEqual(labels(model.id));
    }
  });

  it('defaults to mone-vivit-s on both backends, with the reason from the index', () => {
    for (const backend of ['webgpu', 'wasm'] as const) {
      const choice = defaultModel(index, backend);
      expect(choice.model.id).toBe('mone-vivit-s');
      expect(choice.reason).toMatch(
        backend === 'wasm' ? /^Default on WASM: .+\.$/ : /^Default on WebGPU: /,
      );
    }
    expect(defaultDependsOnBackend(index)).toBe(false);
  });

  it('gives the motion models unmirrored camera frames (trained on unmirrored scenes)', () => {
    const motion = index.models.filter((m) => m.task.startsWith('motion'));
    expect(motion.map((m) => m.id)).toEqual(['mone-vivit-s', 'vivit-dense-s']);
    expect(motion.every((m) => !m.camera_mirrored)).toBe(true);
    // the gesture models, once shipped, were trained on mirrored (selfie-view) directions
    expect(
      index.models
        .filter((m) => m.task.startsWith('hand gestures'))
        .every((m) => m.camera_mirrored),
    ).toBe(true);
  });
});

/** A valid index in the shape the gesture release will have: a large and a small MoNE model. */
function zoo() {
  const entry = (id: string, kind: 'mone' | 'dense', extra: object = {}) => ({
    id,
    name: id,
    task: 'test',
    kind,
    model_bytes: 1000,
    dense_gmacs: 1,
    parameters: 100,
    classes: 27,
    backends: ['webgpu', 'wasm'],
    samples: '../samples/gesture/index.json',
    camera_mirrored: true,
    ...extra,
  });
  return {
    schema_version: 1,
    models: [
      entry('large', 'mone', {
        baseline: 'large-dense',
        backends: ['webgpu'],
        default_for: { webgpu: 'the larger model runs in real time on a hardware GPU' },
      }),
      entry('large-dense', 'dense'),
      entry('small', 'mone', { default_for: { wasm: 'the small model keeps up on WASM' } }),
    ],
  };
}

describe('parseModelsIndex and the default rule', () => {
  it('expresses "the larger model on WebGPU, the small one on WASM"', () => {
    const z = parseModelsIndex(zoo());
    expect(defaultModel(z, 'webgpu').model.id).toBe('large');
    expect(defaultModel(z, 'wasm')).toEqual({
      model: modelById(z, 'small'),
      reason: 'Default on WASM: the small model keeps up on WASM.',
    });
    expect(defaultDependsOnBackend(z)).toBe(true);
  });

  describe('deliberateDefault: the small model on WASM unless the larger keeps up', () => {
    // "large" costs more GMACs than "small" and may run on WASM.
    const twoMone = () => {
      const z = zoo();
      Object.assign(z.models[0]!, { backends: ['webgpu', 'wasm'], dense_gmacs: 4 });
      return parseModelsIndex(z);
    };

    it('takes the index default without a measurement, and on WebGPU always', () => {
      const z = twoMone();
      expect(deliberateDefault(z, 'wasm')).toEqual(defaultModel(z, 'wasm'));
      expect(deliberateDefault(z, 'webgpu').model.id).toBe('large');
      const fast = { model: 'large', msPerClip: 10, budgetMs: 100 };
      expect(deliberateDefault(z, 'webgpu', fast)).toEqual(defaultModel(z, 'webgpu'));
    });

    it.each([
      [
        62.4,
        'large',
        'Default on WASM: large keeps up here (62 ms per clip after warm-up, within 83 ms).',
      ],
      [
        140,
        'small',
        'Default on WASM: the small model keeps up on WASM; large does not keep up here (140 ms per clip after warm-up, over 83 ms).',
      ],
    ])(
      'the larger model measured at %s ms per clip: %s, and the reason says why',
      (ms, id, reason) => {
        const z = twoMone();
        const measured = { model: 'large', msPerClip: ms, budgetMs: 83.3 };
        expect(deliberateDefault(z, 'wasm', measured)).toEqual({ model: modelById(z, id), reason });
      },
    );

    it('ignores a measurement of another model, a larger model not meant for WASM, or a smaller one', () => {
      const z = twoMone();
      const small = defaultModel(z, 'wasm');
      expect(deliberateDefault(z, 'wasm', { model: 'small', msPerClip: 1, budgetMs: 100 })).toEqual(
        small,
      );
      const gpuOnly = parseModelsIndex(zoo()); // "large" lists only webgpu
      expect(
        deliberateDefault(gpuOnly, 'wasm', { model: 'large', msPerClip: 1, budgetMs: 100 }).model
          .id,
      ).toBe('small');
      const cheaper = zoo();
      Object.assign(cheaper.models[0]!, { backends: ['webgpu', 'wasm'], dense_gmacs: 0.5 });
      expect(
        deliberateDefault(parseModelsIndex(cheaper), 'wasm', {
          model: 'large',
          msPerClip: 1,
          budgetMs: 100,
        }).model.id,
      ).toBe('small');
    });

    it('the shipped index: one model is the default everywhere, measured or not', () => {
      const fast = { model: 'mone-vivit-s', msPerClip: 1, budgetMs: 100 };
      expect(deliberateDefault(index, 'wasm', fast)).toEqual(defaultModel(index, 'wasm'));
    });
  });

  const broken: [string, (z: ReturnType<typeof zoo>) => void, RegExp][] = [
    [
      'a missing field',
      (z) => delete (z.models[0] as { task?: string }).task,
      /models\[0\]\.task: is required/,
    ],
    [
      'an unknown kind',
      (z) => ((z.models[1] as { kind: string }).kind = 'sparse'),
      /models\[1\]\.kind/,
    ],
    ['an id listed twice', (z) => (z.models[2]!.id = 'large'), /"large" is listed twice/],
    [
      'a baseline that is not in the index',
      (z) => ((z.models[0] as { baseline?: string }).baseline = 'nope'),
      /"nope" is not a dense model/,
    ],
    [
      'a baseline with other classes',
      (z) => (z.models[1]!.classes = 10),
      /"large-dense" has 10 classes but "large" has 27/,
    ],
    [
      'a dense default',
      (z) => Object.assign(z.models[1]!, { default_for: { wasm: 'x' } }),
      /"large-dense" is dense/,
    ],
    [
      'two defaults on one backend',
      (z) =>
        Object.assign(z.models[0]!, {
          default_for: { webgpu: 'x', wasm: 'y' },
          backends: ['webgpu', 'wasm'],
        }),
      /exactly one MoNE model must be the default on WASM, found 2 \(large, small\)/,
    ],
    [
      'no default on a backend',
      (z) => delete (z.models[0] as { default_for?: object }).default_for,
      /the default on WebGPU, found 0/,
    ],
    [
      'a default on a backend it does not suit',
      (z) => Object.assign(z.models[0]!, { default_for: { wasm: 'x' } }, { backends: ['webgpu'] }),
      /"large" is the default on WASM but does not list it/,
    ],
  ];

  it.each(broken)('rejects %s', (_, breakIt, message) => {
    const z = zoo();
    breakIt(z);
    expect(() => parseModelsIndex(z)).toThrow(ModelsIndexError);
    expect(() => parseModelsIndex(z)).toThrow(message);
  });
});
