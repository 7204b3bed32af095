/**
 * Which weights of a model run on a backend: model_file (fp32), or a file of the metadata's
 * `weight_files` measured for that backend (int8 for WASM: training/mone/variants.py ships one only
 * when its test top-1 stays within 0.5 point of fp32 at every budget and it is faster). Pure: the
 * worker loads what this says, the runtime panel shows the reason.
 *
 * `fp32` forces model_file (the golden-vector parity checks hold for fp32 only). A model from the
 * user's disk runs the one file it came with.
 */
import type { Backend } from './backendChoice';
import type { ModelMetadata, WeightFile, WeightsKind } from './metadata';

export type WeightsPreference = 'auto' | 'fp32';
/** Every preference, the default ('auto') first. */
export const WEIGHTS_PREFERENCES: readonly WeightsPreference[] = ['auto', 'fp32'];

/** What runs, for the page: the weights, their file and size, and why. */
export interface RunningWeights {
  /** 'fp32': model_file, the weights the exporter wrote; else a weight_files entry's kind. */
  readonly kind: 'fp32' | WeightsKind;
  readonly file: string;
  readonly bytes: number;
  /** A sentence for the runtime panel. */
  readonly reason: string;
}

/** One file to load: where, its size and hash (checked like model_file's), and what it is. */
export interface WeightsPlan {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly running: RunningWeights;
}

const LABEL: Record<WeightsKind, string> = { 'int8-dynamic': 'int8' };
const BACKEND_NAME: Record<Backend, string> = { wasm: 'WASM', webgpu: 'WebGPU' };

/** −0.10 (a typographic minus), +0.05, 0.00 */
function signed(x: number, digits: number): string {
  const text = Math.abs(x).toFixed(digits);
  if (Number(text) === 0) return (0).toFixed(digits);
  return `${x < 0 ? '−' : '+'}${text}`;
}

/** "−0.1 to +0.3" or one value when the range is a point. */
function range(values: readonly number[], format: (x: number) => string): string {
  const lo = format(Math.min(...values));
  const hi = format(Math.max(...values));
  return lo === hi ? lo : `${lo} to ${hi}`;
}

/**
 * The evaluation in a few words, speed from the backend's own timing where it was measured: "test
 * top-1 −0.10 to +0.05 pt vs fp32 (2,000 clips, e_c 0.25 to 1), 1.15× to 1.55× faster (onnxruntime-web
 * 1.30.0 WASM in Node 20.20.2, 1 thread, interleaved medians)".
 */
export function evaluationSummary(entry: WeightFile, backend: Backend): string {
  const { points, clips, split, timing, wasm_timing } = entry.evaluation;
  const change = range(
    points.map((p) => 100 * (p.top1 - p.top1_fp32)),
    (x) => signed(x, 2), // a test split of 2,000 clips moves in steps of 0.05 point
  );
  const wasm = points.map((p) =>
    p.wasm_ms === undefined || p.wasm_ms_fp32 === undefined ? null : p.wasm_ms_fp32 / p.wasm_ms,
  );
  const onWasm = backend === 'wasm' && wasm_timing !== undefined && !wasm.includes(null);
  const ratios = onWasm ? (wasm as number[]) : points.map((p) => p.ms_fp32 / p.ms);
  const speed = range(ratios, (x) => `${x.toFixed(2)}×`);
  const budgets = range(
    points.map((p) => p.e_c),
    (x) => String(x),
  );
  const accuracy = `${split} top-1 ${change} pt vs fp32 (${clips.toLocaleString('en-US')} clips, e_c ${budgets})`;
  return `${accuracy}, ${speed} faster (${onWasm ? wasm_timing : timing})`;
}

const fp32Plan = (meta: ModelMetadata, reason: string): WeightsPlan => ({
  file: meta.model_file,
  bytes: meta.model_bytes,
  sha256: meta.model_sha256,
  running: { kind: 'fp32', file: meta.model_file, bytes: meta.model_bytes, reason },
});

/**
 * The files to try in order: a weight file for `backend` first (unless fp32 is forced), then
 * model_file, which is also what runs when the first fails to load (the worker says why).
 */
export function weightsPlans(
  meta: ModelMetadata,
  backend: Backend,
  preference: WeightsPreference,
): readonly WeightsPlan[] {
  const entries = meta.weight_files ?? [];
  const forBackend = entries.find((w) => w.backends.includes(backend));
  const on = BACKEND_NAME[backend];
  if (forBackend === undefined) {
    const elsewhere = entries.flatMap((w) => w.backends.map((b) => BACKEND_NAME[b]));
    const reason =
      entries.length === 0
        ? 'fp32 weights: the model has no others'
        : `fp32 weights on ${on}: its other weights are for ${[...new Set(elsewhere)].join(', ')} only`;
    return [fp32Plan(meta, reason)];
  }
  const label = LABEL[forBackend.weights];
  if (preference === 'fp32') {
    return [fp32Plan(meta, `fp32 weights: forced (the ${label} weights for ${on} are not used)`)];
  }
  const first: WeightsPlan = {
    file: forBackend.file,
    bytes: forBackend.bytes,
    sha256: forBackend.sha256,
    running: {
      kind: forBackend.weights,
      file: forBackend.file,
      bytes: forBackend.bytes,
      reason: `${label} weights on ${on}: ${evaluationSummary(forBackend, backend)}`,
    },
  };
  return [first, fp32Plan(meta, `fp32 weights: the ${label} weights could not be used`)];
}

/** A model from the user's disk: the file it came with, whatever its metadata lists. */
export function ownModelWeights(meta: ModelMetadata): RunningWeights {
  const others = (meta.weight_files ?? []).length;
  const reason =
    others === 0
      ? 'the weights of your model file'
      : `the weights of your model file (its metadata lists ${others} other file${others === 1 ? '' : 's'}, which a model from disk does not bring)`;
  return { kind: 'fp32', file: meta.model_file, bytes: meta.model_bytes, reason };
}
