/**
 * Budget math: effective capacity e_c -> per-expert capacities -> per-expert token counts.
 *
 * A literal port of training/mone/budget.py (paper Sec. 4.3, Eq. 3). The capacities maximise
 *   sum_i c_i * delta^i - beta * sum_i c_i log c_i   s.t.  sum_i c_i = 1,  sum_i c_i a_i = e_c
 * with a_i = 1 / 2^(E-1-i). Stationarity gives c_i ∝ exp((delta^i - mu * a_i) / beta), and
 * sum_i c_i a_i decreases monotonically in mu, so mu is found by bisection.
 *
 * Keep every step identical to the Python (same interval, same 200 steps, same left-to-right
 * sums, same one-hot end points): contracts/budget-vectors.json pins both sides, and counts are
 * floors, so a drift in the last bits could move a token between experts.
 *
 * Index convention: expert 0 is the smallest (width D / 2^(E-1)), expert E-1 is full width.
 */

export const BETA = 10;
export const DELTA = 2;
export const BISECTION_STEPS = 200;
export const MU_RANGE = 1e4;

/** a_i = d_i / D, smallest first: [1/8, 1/4, 1/2, 1] for E = 4. */
export function widthFractions(numExperts: number): number[] {
  if (!Number.isInteger(numExperts) || numExperts < 1) {
    throw new RangeError(`number of experts must be a positive integer, got ${numExperts}`);
  }
  return Array.from({ length: numExperts }, (_, i) => 1 / 2 ** (numExperts - 1 - i));
}

/** Left-to-right sum, like Python's built-in sum() on 3.11 (no compensation). */
function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function capacitiesForMu(mu: number, a: readonly number[], beta: number, delta: number): number[] {
  const logits = a.map((ai, i) => (delta ** i - mu * ai) / beta);
  // Log-sum-exp shift: mu spans ±1e4, so exp() would overflow without it.
  const top = Math.max(...logits);
  const w = logits.map((v) => Math.exp(v - top));
  const s = sum(w);
  return w.map((v) => v / s);
}

/**
 * Per-expert capacities (smallest expert first) for effective capacity e_c.
 * e_c must lie in [a_0, 1] = [1/2^(E-1), 1]; the end points are exact one-hot solutions.
 */
export function capacities(ec: number, numExperts = 4, beta = BETA, delta = DELTA): number[] {
  const a = widthFractions(numExperts);
  const a0 = a[0]!;
  if (!(Number.isFinite(ec) && a0 <= ec && ec <= 1)) {
    throw new RangeError(`e_c must be a number in [${a0}, 1], got ${ec}`);
  }
  if (ec === 1) return a.map((_, i) => (i === numExperts - 1 ? 1 : 0));
  if (ec === a0) return a.map((_, i) => (i === 0 ? 1 : 0));
  let lo = -MU_RANGE; // f(lo) ~ 1 > e_c > f(hi) ~ a_0
  let hi = MU_RANGE;
  for (let step = 0; step < BISECTION_STEPS; step++) {
    const mid = 0.5 * (lo + hi);
    const c = capacitiesForMu(mid, a, beta, delta);
    if (dot(c, a) > ec) lo = mid;
    else hi = mid;
  }
  return capacitiesForMu(0.5 * (lo + hi), a, beta, delta);
}

/**
 * k_j = floor(c_j * N) for every expert but the smallest, which takes the rest (Algorithm 1:
 * the leftovers from flooring stay on the smallest expert).
 */
export function tokenCounts(caps: readonly number[], numTokens: number): number[] {
  if (caps.length === 0) throw new RangeError('capacities must not be empty');
  const counts = caps.map((c) => Math.floor(c * numTokens));
  counts[0] = numTokens - sum(counts.slice(1));
  return counts;
}

export function countsForBudget(ec: number, numTokens: number, numExperts = 4): number[] {
  return tokenCounts(capacities(ec, numExperts), numTokens);
}

/** The e_c actually realised by integer counts (what the FLOPs follow). */
export function effectiveCapacityOfCounts(counts: readonly number[]): number {
  const n = sum(counts);
  if (n <= 0) throw new RangeError('counts must contain at least one token');
  return dot(counts, widthFractions(counts.length)) / n;
}

/**
 * Why counts are not a valid `expert_counts` input, or null when they are: one non-negative
 * integer per expert, summing to the tokens per time step. Meant for user-entered counts
 * (advanced mode), so messages name the offending entry.
 */
export function validateCounts(
  counts: readonly number[],
  numTokens: number,
  numExperts?: number,
): string | null {
  if (numExperts !== undefined && counts.length !== numExperts) {
    return `expected ${numExperts} expert counts, got ${counts.length}`;
  }
  if (counts.length === 0) return 'expert counts must not be empty';
  for (let j = 0; j < counts.length; j++) {
    const k = counts[j]!;
    if (!Number.isInteger(k)) return `count for expert ${j} must be an integer, got ${k}`;
    if (k < 0) return `count for expert ${j} must not be negative, got ${k}`;
  }
  const total = sum(counts);
  if (total !== numTokens) {
    return `expert counts must sum to ${numTokens} tokens per step, got ${total}`;
  }
  return null;
}

/** validateCounts that throws, for code paths where bad counts are a bug. */
export function assertCounts(counts: readonly number[], numTokens: number, numExperts?: number) {
  const error = validateCounts(counts, numTokens, numExperts);
  if (error !== null) throw new RangeError(error);
}
