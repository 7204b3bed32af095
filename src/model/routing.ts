/**
 * Routing decode: which nested expert took each token, laid out on the patch grid.
 *
 * The model's `expert_index` output is int32 [time_steps, per_step]; token order is row-major
 * over the patch grid (index = row * grid_width + col, row 0 at the top) and time step t covers
 * frames [t * tubelet, (t + 1) * tubelet) (contracts/README.md). Expert 0 is the smallest.
 */
import type { ModelMetadata } from './metadata';

export type RoutingMeta = Pick<ModelMetadata, 'tokens' | 'experts'>;

export interface RoutingStep {
  /** Time step index t. */
  readonly t: number;
  /** Expert id per token, row-major (a view into the decoded output, not a copy). */
  readonly experts: Int32Array;
  /** Tokens per expert in this step, smallest expert first. */
  readonly counts: readonly number[];
}

export interface Routing {
  readonly rows: number;
  readonly cols: number;
  readonly numExperts: number;
  readonly steps: readonly RoutingStep[];
}

/** Splits expert_index into per-time-step grids and counts, checking every id. */
export function decodeRouting(expertIndex: Int32Array, meta: RoutingMeta): Routing {
  const { time_steps: T, per_step: N, grid_height: rows, grid_width: cols } = meta.tokens;
  const E = meta.experts.count;
  if (expertIndex.length !== T * N) {
    throw new RangeError(
      `expert_index has ${expertIndex.length} values, expected ${T * N} (${T} steps x ${N} tokens)`,
    );
  }
  const steps: RoutingStep[] = [];
  for (let t = 0; t < T; t++) {
    const experts = expertIndex.subarray(t * N, (t + 1) * N);
    const counts = new Array<number>(E).fill(0);
    for (let i = 0; i < N; i++) {
      const e = experts[i]!;
      if (!(e >= 0 && e < E)) {
        throw new RangeError(
          `expert_index[${t}][${i}] is ${e}, expected an expert id in [0, ${E})`,
        );
      }
      counts[e]!++;
    }
    steps.push({ t, experts, counts });
  }
  return { rows, cols, numExperts: E, steps };
}

/** Step t as rows of expert ids (row 0 = top), for rendering a heat-map grid. */
export function stepGrid(routing: Routing, t: number): number[][] {
  const step = routing.steps[t];
  if (step === undefined)
    throw new RangeError(`time step ${t} is outside [0, ${routing.steps.length})`);
  return Array.from({ length: routing.rows }, (_, r) =>
    Array.from(step.experts.subarray(r * routing.cols, (r + 1) * routing.cols)),
  );
}

/** The most recent time step (covers the newest frames of the clip). */
export function latestStep(routing: Routing): RoutingStep {
  const step = routing.steps[routing.steps.length - 1];
  if (step === undefined) throw new RangeError('routing has no time steps');
  return step;
}

/** Token counts per expert summed over all time steps. */
export function totalCounts(routing: Routing): number[] {
  const total = new Array<number>(routing.numExperts).fill(0);
  for (const step of routing.steps) step.counts.forEach((k, e) => (total[e]! += k));
  return total;
}

export interface CellRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Row/column of token `index` (row-major). */
export function cellOfToken(index: number, cols: number): { row: number; col: number } {
  return { row: Math.floor(index / cols), col: index % cols };
}

/**
 * Pixel rectangle of grid cell (row, col) inside a square of `size` pixels: by default the
 * model's input square (grid * patch_size); pass the overlay's on-screen size to draw there.
 * Fractional edges are kept so adjacent cells tile exactly at any size.
 */
export function cellRect(
  row: number,
  col: number,
  tokens: ModelMetadata['tokens'],
  size: { width: number; height: number } = {
    width: tokens.grid_width * tokens.patch_size,
    height: tokens.grid_height * tokens.patch_size,
  },
): CellRect {
  if (!(row >= 0 && row < tokens.grid_height && col >= 0 && col < tokens.grid_width)) {
    throw new RangeError(
      `cell (${row}, ${col}) is outside the ${tokens.grid_height}x${tokens.grid_width} grid`,
    );
  }
  const width = size.width / tokens.grid_width;
  const height = size.height / tokens.grid_height;
  return { x: col * width, y: row * height, width, height };
}
