/**
 * Model output -> what the UI shows: probabilities, the top classes, and a smoothed history.
 * Logits arrive per clip; single clips are noisy (a gesture straddling two clips), so the UI
 * shows a short moving average as well as the raw clip.
 */

/** Numerically stable softmax (max shift, so large logits do not overflow exp). */
export function softmax(logits: ArrayLike<number>): Float64Array {
  const n = logits.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[i]!);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(logits[i]! - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) out[i]! /= sum;
  return out;
}

export interface Prediction {
  readonly index: number;
  readonly label: string;
  readonly prob: number;
}

/** The k most probable classes, best first; ties keep label order (stable display). */
export function topK(probs: ArrayLike<number>, labels: readonly string[], k: number): Prediction[] {
  if (probs.length !== labels.length) {
    throw new RangeError(`got ${probs.length} probabilities for ${labels.length} labels`);
  }
  const all = Array.from(labels, (label, index) => ({ index, label, prob: probs[index]! }));
  all.sort((a, b) => b.prob - a.prob || a.index - b.index);
  return all.slice(0, Math.max(0, Math.floor(k)));
}

export type SmoothingMode = 'mean' | 'ema';

export interface SmootherOptions {
  /** Number of recent clips averaged ('mean'), or the EMA span ('ema': alpha = 2 / (window + 1)). */
  readonly window: number;
  readonly mode?: SmoothingMode;
}

/**
 * Smooths per-clip probability vectors over time.
 * - 'mean': plain average of the last `window` clips (a clip drops out after `window` clips).
 * - 'ema': exponential moving average with the usual span convention, so `window` means roughly
 *   the same "memory" in both modes.
 * A vector of a different length (another model was loaded) restarts the history.
 */
export class TemporalSmoother {
  readonly window: number;
  readonly mode: SmoothingMode;
  private history: Float64Array[] = [];
  private ema: Float64Array | null = null;

  constructor({ window, mode = 'mean' }: SmootherOptions) {
    if (!(Number.isInteger(window) && window >= 1)) {
      throw new RangeError(`smoothing window must be a positive integer, got ${window}`);
    }
    this.window = window;
    this.mode = mode;
  }

  /** Clips currently contributing (capped at `window` in 'mean' mode). */
  get size(): number {
    return this.history.length;
  }

  /** Adds one clip's probabilities and returns the smoothed probabilities (a new array). */
  push(probs: ArrayLike<number>): Float64Array {
    const current = Float64Array.from(probs);
    const previous = this.history[0];
    if (previous !== undefined && previous.length !== current.length) this.reset();

    this.history.push(current);
    if (this.history.length > this.window) this.history.shift();

    if (this.mode === 'ema') {
      const alpha = 2 / (this.window + 1);
      if (this.ema === null) this.ema = current.slice();
      else
        for (let i = 0; i < current.length; i++)
          this.ema[i] = alpha * current[i]! + (1 - alpha) * this.ema[i]!;
      return this.ema.slice();
    }

    const mean = new Float64Array(current.length);
    for (const clip of this.history) for (let i = 0; i < clip.length; i++) mean[i]! += clip[i]!;
    for (let i = 0; i < mean.length; i++) mean[i]! /= this.history.length;
    return mean;
  }

  /** Forget everything (new source, new model, budget jump the user wants to see raw). */
  reset(): void {
    this.history = [];
    this.ema = null;
  }
}
