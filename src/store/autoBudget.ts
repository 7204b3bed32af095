/**
 * Auto budget: move e_c run by run so the measured model latency approaches a target.
 *
 * A multiplicative step on the latency ratio (the spatial blocks' cost is roughly linear in e_c,
 * so e_c * target / measured is the proportional answer), damped by `gain` and applied only after
 * `settleRuns` runs at the current e_c so one noisy run cannot move the budget. The result is
 * clamped to [minEc, maxEc] and snapped to the slider's grid; within the dead band around the
 * target nothing moves, outside it the budget always moves at least one grid step. One decision
 * moves e_c by at most `maxStep`: WASM run times on a busy machine have heavy tails, and a burst of
 * fast runs once sent an unlimited step from 0.8 straight back to 1 (seen in the e2e suite).
 */
import { median } from '../model/latencyStats';
import { snapEc } from './budgetMath';

export interface AutoBudgetParams {
  readonly targetMs: number;
  readonly minEc: number;
  readonly maxEc: number;
  /** Slider grid (0.05): results are snapped to minEc + k * step. */
  readonly step: number;
  /** Exponent on the latency ratio: 1 jumps straight to the proportional answer. */
  readonly gain?: number;
  /** Relative dead band: |measured / target - 1| below this counts as on target. */
  readonly deadBand?: number;
  /** Runs measured at one e_c before deciding (their median is used). */
  readonly settleRuns?: number;
  /** Largest change of e_c in one decision. */
  readonly maxStep?: number;
}

export interface AutoBudgetState {
  /** Model run times (ms) measured at the current e_c since the last decision. */
  readonly samples: readonly number[];
}

export const initialAutoBudgetState: AutoBudgetState = { samples: [] };

/** Default relative dead band (±10% of the target); the e2e suite reads it too. */
export const DEFAULT_DEAD_BAND = 0.1;

/**
 * One controller step after a run measured at `runEc` took `runMs`. Runs at another e_c than the
 * current one (still in flight when the budget moved) are ignored.
 */
export function autoBudgetStep(
  state: AutoBudgetState,
  ec: number,
  runEc: number,
  runMs: number,
  params: AutoBudgetParams,
): { ec: number; state: AutoBudgetState } {
  const {
    targetMs,
    minEc,
    maxEc,
    step,
    gain = 0.6,
    deadBand = DEFAULT_DEAD_BAND,
    settleRuns = 5,
    maxStep = 0.15,
  } = params;
  if (!(targetMs > 0) || !(runMs >= 0) || Math.abs(runEc - ec) > 1e-6) return { ec, state };
  const samples = [...state.samples, runMs];
  if (samples.length < settleRuns) return { ec, state: { samples } };

  const measured = Math.max(median(samples), 1e-3);
  const ratio = targetMs / measured;
  if (Math.abs(ratio - 1) <= deadBand) return { ec, state: initialAutoBudgetState };
  const proposed = Math.min(ec + maxStep, Math.max(ec - maxStep, ec * ratio ** gain));
  let next = snapEc(proposed, minEc, maxEc, step);
  // Snapping can round a real correction away; guarantee one grid step in the right direction.
  if (ratio < 1 && next >= ec) next = snapEc(ec - step, minEc, maxEc, step);
  if (ratio > 1 && next <= ec) next = snapEc(ec + step, minEc, maxEc, step);
  return { ec: next, state: initialAutoBudgetState };
}
