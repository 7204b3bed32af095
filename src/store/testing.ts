/**
 * Builders for store tests (not imported by app code): the shipped model's metadata and engine
 * events shaped like the worker's.
 */
import { parseModelMetadata, type ModelMetadata } from '../model/metadata';
import shipped from '../../public/models/mone-vivit-s.json';
import { countsForBudget } from '../model/budget';
import { weightsPlans } from '../model/weights';
import type { Ready, RunResult } from '../workers/protocol';

export function shippedMetadata(curves?: ModelMetadata['evaluation']['curves']): ModelMetadata {
  const meta = parseModelMetadata(structuredClone(shipped));
  return curves === undefined ? meta : { ...meta, evaluation: { ...meta.evaluation, curves } };
}

export function readyEvent(metadata: ModelMetadata = shippedMetadata()): Ready {
  return {
    type: 'ready',
    metadataUrl: `/models/${metadata.name}.json`,
    cached: false,
    metadata,
    backend: 'wasm',
    weights: weightsPlans(metadata, 'wasm', 'auto')[0]!.running,
    warmupMs: 100,
    initMs: 500,
  };
}

/** A result whose routing follows the budget rule exactly (each step's counts = `counts`). */
export function resultFor(
  meta: ModelMetadata,
  ec: number,
  options: { runMs?: number; probs?: number[]; counts?: number[] } = {},
): RunResult {
  const { per_step: N, time_steps: T } = meta.tokens;
  const E = meta.experts.count;
  const counts = options.counts ?? countsForBudget(ec, N, E);
  const step: number[] = counts.flatMap((k, e) => Array<number>(k).fill(e));
  const expertIndex = Array.from({ length: T }, () => step).flat();
  const routerProbs = new Float32Array(T * N * E).fill(1 / E);
  const probs = options.probs ?? meta.labels.map((_, i) => (i === 1 ? 0.91 : 0.01));
  return {
    type: 'result',
    requestId: 1,
    ec,
    counts,
    probs,
    expertIndex: Int32Array.from(expertIndex),
    routerProbs,
    observedCounts: Array.from({ length: T }, () => counts),
    gmacs: 0.1,
    timings: { preprocessMs: 1, runMs: options.runMs ?? 10, decodeMs: 1, endToEndMs: 30 },
    clipTime: 1,
  };
}
