/**
 * Compute cost of a budget, from the numbers the exporter measured (metadata.macs).
 *
 * GMACs = (dense + time_steps * sum_j counts[j] * per_token[j]) / 1e9   (contracts/README.md)
 * `dense` is the budget-independent part (embedding, router, temporal transformer, head);
 * only the spatial blocks scale with how many tokens each nested expert takes.
 */
import { assertCounts } from './budget';
import type { ModelMetadata } from './metadata';

export type MacsMeta = Pick<ModelMetadata, 'macs' | 'tokens'>;

/** GMACs of one clip when every time step uses `counts` (smallest expert first). */
export function gmacsForCounts(meta: MacsMeta, counts: readonly number[]): number {
  const perToken = meta.macs.per_token;
  assertCounts(counts, meta.tokens.per_step, perToken.length);
  let spatial = 0;
  for (let j = 0; j < counts.length; j++) spatial += counts[j]! * perToken[j]!;
  return (meta.macs.dense + meta.tokens.time_steps * spatial) / 1e9;
}

/** Counts that put every token on the full (largest) expert: the dense ViViT baseline. */
export function fullExpertCounts(meta: MacsMeta): number[] {
  const E = meta.macs.per_token.length;
  return Array.from({ length: E }, (_, j) => (j === E - 1 ? meta.tokens.per_step : 0));
}

/** GMACs with all tokens on the full expert (the model run without any budget saving). */
export function denseGmacs(meta: MacsMeta): number {
  return gmacsForCounts(meta, fullExpertCounts(meta));
}

/** Share of the full-expert cost a budget costs, in (0, 1]; what the UI shows next to e_c. */
export function computeFraction(meta: MacsMeta, counts: readonly number[]): number {
  return gmacsForCounts(meta, counts) / denseGmacs(meta);
}
