/**
 * Latency numbers the way perf harnesses report them: first run, median (p50) and p95, kept
 * separate because the first WebGPU run includes shader compilation and would swamp a mean.
 */

/** Linear-interpolated percentile (numpy's default), p in [0, 100]; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export interface LatencySummary {
  readonly count: number;
  /** The first sample (cold: includes compilation / JIT warm-up). */
  readonly first: number;
  readonly p50: number;
  readonly p95: number;
}

export function summarizeLatency(values: readonly number[]): LatencySummary {
  return {
    count: values.length,
    first: values.length > 0 ? values[0]! : Number.NaN,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
  };
}

/**
 * A performance.now() reading taken in another realm (UI thread), re-expressed on this realm's
 * clock. Each realm's performance.now() counts from its own performance.timeOrigin (the worker's
 * starts later), so timeOrigin + now is the shared wall-clock instant.
 */
export function toLocalTime(
  remoteTimeOrigin: number,
  remoteNow: number,
  localTimeOrigin: number,
): number {
  return remoteTimeOrigin + remoteNow - localTimeOrigin;
}
