/**
 * The shipped model through the worker's own run/decode code (ModelRunner), on onnxruntime-node:
 * golden vectors from the exporter, budget changes on one session, metadata/graph mismatch.
 * The browser path (onnxruntime-web, WASM and WebGPU) is covered by e2e/inference.spec.ts.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { countsForBudget } from '../model/budget';
import type { ModelMetadata } from '../model/metadata';
import { parseModelMetadata } from '../model/metadata';
import { createClip, writeFrame } from '../model/preprocess';
import { decodeOutputs, ModelRunner } from './modelRunner';

const MODELS = new URL('../../public/models/', import.meta.url);
const NAME = 'mone-vivit-s';

interface GoldenCase {
  e_c: number;
  counts: number[];
  logits: number[];
  expert_index: number[];
}
interface Golden {
  tolerance: number;
  clips: {
    file: string;
    shape: [number, number, number, number];
    layout: 'THWC';
    cases: GoldenCase[];
  }[];
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(new URL(file, MODELS), 'utf8'));
const meta = parseModelMetadata(readJson(`${NAME}.json`));
const golden = readJson(`${NAME}.golden.json`) as Golden;

/** THWC uint8 RGB → the model's input, through the same writeFrame the worker uses (RGBA). */
function clipFromGolden(file: string, m: ModelMetadata): Float32Array {
  const rgb = readFileSync(new URL(file, MODELS));
  const { frames, height, width } = m.video;
  expect(rgb.length).toBe(frames * height * width * 3);
  const clip = createClip(m);
  const rgba = new Uint8ClampedArray(height * width * 4);
  for (let t = 0; t < frames; t++) {
    for (let p = 0; p < height * width; p++) {
      const src = (t * height * width + p) * 3;
      rgba[p * 4] = rgb[src]!;
      rgba[p * 4 + 1] = rgb[src + 1]!;
      rgba[p * 4 + 2] = rgb[src + 2]!;
      rgba[p * 4 + 3] = 255;
    }
    writeFrame(clip, t, rgba, m);
  }
  return clip;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

let session: ort.InferenceSession;
let runner: ModelRunner;

beforeAll(async () => {
  session = await ort.InferenceSession.create(new URL(`${NAME}.onnx`, MODELS).pathname, {
    intraOpNumThreads: 1, // 2 cores, shared with other jobs
  });
  runner = new ModelRunner(session, ort.Tensor, meta);
});

describe(`${NAME} on onnxruntime-node`, () => {
  const cases = golden.clips.flatMap((clip) => clip.cases.map((c) => ({ file: clip.file, ...c })));

  it.each(cases)('$file at e_c = $e_c matches the golden logits and routing', async (c) => {
    const out = await runner.run(clipFromGolden(c.file, meta), c.counts);
    expect(maxAbsDiff(out.logits, c.logits)).toBeLessThanOrEqual(golden.tolerance);
    expect(Array.from(out.expertIndex)).toEqual(c.expert_index);
    // The golden counts are the budget rule's counts (the exporter and budget.ts agree).
    expect(c.counts).toEqual(countsForBudget(c.e_c, meta.tokens.per_step, meta.experts.count));
  });

  it('follows budget changes on one session: observed counts equal the budget math', async () => {
    const clip = clipFromGolden(golden.clips[0]!.file, meta);
    // Up and down the slider, including both one-hot ends and repeats.
    const levels = [0.5, 0.15, 1, 0.3, 0.8, 0.2, 0.6, 0.5, 0.9, 0.25];
    for (const ec of levels) {
      const counts = countsForBudget(ec, meta.tokens.per_step, meta.experts.count);
      const decoded = decodeOutputs(await runner.run(clip, counts), meta, counts);
      expect(decoded.observedCounts).toEqual(
        Array.from({ length: meta.tokens.time_steps }, () => counts),
      );
      expect(decoded.probs.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 6);
    }
  });

  it('catches metadata that does not match the graph before running', () => {
    // Internally consistent (so metadata.ts accepts it) but for a 16-frame export.
    const json = readJson(`${NAME}.json`) as {
      video: { frames: number };
      tokens: { time_steps: number };
      inputs: { video: { shape: number[] } };
      outputs: { expert_index: { shape: number[] }; router_probs: { shape: number[] } };
    };
    json.video.frames = 16;
    json.tokens.time_steps = 8;
    json.inputs.video.shape[1] = 16;
    json.outputs.expert_index.shape[0] = 8;
    json.outputs.router_probs.shape[0] = 8;
    const other = parseModelMetadata(json);
    expect(() => new ModelRunner(session, ort.Tensor, other)).toThrow(
      "model metadata: inputs.video.shape: is [1, 16, 3, 64, 64] but the ONNX model's input 'video' is [1, 8, 3, 64, 64]",
    );
  });
});
