import { describe, expect, it } from 'vitest';
import { parseModelMetadata } from './metadata';
import { tinyInt8Entry, tinyMetadataJson, tinyMetadataWithWeights } from './testFixtures';
import { evaluationSummary, ownModelWeights, weightsPlans } from './weights';

const plain = parseModelMetadata(tinyMetadataJson());
const withInt8 = parseModelMetadata(tinyMetadataWithWeights());

describe('weightsPlans', () => {
  it('runs the int8 file on WASM, with model_file behind it', () => {
    const [first, fallback, ...rest] = weightsPlans(withInt8, 'wasm', 'auto');
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      file: 'mone-tiny.int8.onnx',
      bytes: 50_000,
      sha256: 'b'.repeat(64),
    });
    expect(first?.running.kind).toBe('int8-dynamic');
    expect(first?.running.reason).toMatch(
      /^int8 weights on WASM: test top-1 −0\.10 to \+0\.10 pt vs fp32/,
    );
    expect(fallback).toMatchObject({
      file: 'mone-tiny.onnx',
      bytes: 123456,
      sha256: 'a'.repeat(64),
    });
    expect(fallback?.running).toMatchObject({ kind: 'fp32', file: 'mone-tiny.onnx' });
    expect(fallback?.running.reason).toBe('fp32 weights: the int8 weights could not be used');
  });

  it('runs fp32 on WebGPU, where no other weights were measured', () => {
    const plans = weightsPlans(withInt8, 'webgpu', 'auto');
    expect(plans.map((p) => p.file)).toEqual(['mone-tiny.onnx']);
    expect(plans[0]?.running.reason).toBe(
      'fp32 weights on WebGPU: its other weights are for WASM only',
    );
  });

  it('runs fp32 when forced, and says what is not used', () => {
    const plans = weightsPlans(withInt8, 'wasm', 'fp32');
    expect(plans.map((p) => p.running.kind)).toEqual(['fp32']);
    expect(plans[0]?.running.reason).toBe(
      'fp32 weights: forced (the int8 weights for WASM are not used)',
    );
  });

  it('runs model_file for metadata without weight_files (older exports)', () => {
    for (const backend of ['wasm', 'webgpu'] as const) {
      const plans = weightsPlans(plain, backend, 'auto');
      expect(plans).toHaveLength(1);
      expect(plans[0]?.running).toEqual({
        kind: 'fp32',
        file: 'mone-tiny.onnx',
        bytes: 123456,
        reason: 'fp32 weights: the model has no others',
      });
    }
  });

  it('takes the first entry that lists the backend', () => {
    const webgpu = { ...tinyInt8Entry(), file: 'gpu.onnx', backends: ['webgpu'] };
    const both = { ...tinyInt8Entry(), file: 'both.onnx', backends: ['webgpu', 'wasm'] };
    const meta = parseModelMetadata(tinyMetadataWithWeights([webgpu, both]));
    expect(weightsPlans(meta, 'wasm', 'auto')[0]?.file).toBe('both.onnx');
    expect(weightsPlans(meta, 'webgpu', 'auto')[0]?.file).toBe('gpu.onnx');
  });
});

describe('evaluationSummary', () => {
  const entry = withInt8.weight_files![0]!;

  it('gives the top-1 changes, the clips and budgets, and the speed-ups where they were measured', () => {
    expect(evaluationSummary(entry, 'wasm')).toBe(
      'test top-1 −0.10 to +0.10 pt vs fp32 (2,000 clips, e_c 0.25 to 1), 1.10× to 1.55× faster (onnxruntime-web 1.30.0 WASM in Node 20.20.2, 1 thread, interleaved medians)',
    );
    expect(evaluationSummary(entry, 'webgpu')).toMatch(
      /, 1\.35× to 1\.75× faster \(onnxruntime 1\.32\.0 CPU, 1 thread, interleaved medians\)$/,
    );
  });

  it('falls back to the onnxruntime timing when WASM was not timed', () => {
    const json = tinyInt8Entry();
    const { wasm_timing: _dropped, ...evaluation } = json.evaluation;
    const meta = parseModelMetadata(tinyMetadataWithWeights([{ ...json, evaluation }]));
    expect(evaluationSummary(meta.weight_files![0]!, 'wasm')).toMatch(
      /1\.35× to 1\.75× faster \(onnxruntime 1/,
    );
  });

  it('gives one value for one point (a dense model), never a negative zero', () => {
    const json = tinyInt8Entry();
    json.evaluation.points = [{ ...json.evaluation.points[1]!, top1: 0.89899, e_c: 1 }];
    const meta = parseModelMetadata(tinyMetadataWithWeights([json]));
    expect(evaluationSummary(meta.weight_files![0]!, 'wasm')).toMatch(
      /^test top-1 0\.00 pt vs fp32 \(2,000 clips, e_c 1\), 1\.55× faster \(/,
    );
  });
});

describe('ownModelWeights', () => {
  it('runs the file from disk and says when the metadata lists others', () => {
    expect(ownModelWeights(plain)).toMatchObject({ kind: 'fp32', file: 'mone-tiny.onnx' });
    expect(ownModelWeights(withInt8).reason).toMatch(/lists 1 other file, which a model from disk/);
  });
});
