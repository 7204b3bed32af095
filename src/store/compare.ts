/**
 * Compare mode as plain data: what one compared clip says (the MoNE model and its dense baseline
 * on the same input tensor), the running summary over the last clips at one budget, and whether
 * the chosen model can be compared at all. No React, no worker: the compare slice and the
 * ComparePanel use these, and they are tested on their own.
 *
 * The confidence gap is p_MoNE(c) − p_dense(c) for c = MoNE's top-1 class: how much more sure
 * MoNE is of its own answer than the dense model is of that same answer. Comparing each model's
 * own top-1 probability would hide a disagreement (both can be 90% sure of different classes);
 * this gap is large exactly when the dense model does not back MoNE's answer.
 */
import { median } from '../model/latencyStats';
import { modelById, type ModelEntry } from '../model/modelsIndex';
import { isOwnModelId } from '../model/ownModelId';
import type { RunResult } from '../workers/protocol';
import type { ComparedClip, ModelsState } from './types';

/** Compared clips kept for the running medians and the agreement share. */
export const COMPARE_WINDOW = 200;

/** Index of the largest probability (the first on ties), -1 for none. */
export function argmax(probs: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < probs.length; i++) if (best < 0 || probs[i]! > probs[best]!) best = i;
  return best;
}

/**
 * One compared clip from a result that carries the baseline's run; null when it does not (compare
 * off, or the baseline failed) or when the two disagree on the number of classes.
 */
export function comparedClip(result: RunResult, run: number, model: string): ComparedClip | null {
  const b = result.baseline;
  if (b === undefined || !b.ok || b.probs.length !== result.probs.length) return null;
  const moneTop = argmax(result.probs);
  const denseTop = argmax(b.probs);
  if (moneTop < 0) return null;
  return {
    run,
    model,
    baseline: b.model,
    ec: result.ec,
    mone: { ms: result.timings.runMs, gmacs: result.gmacs, top: moneTop },
    dense: { ms: b.runMs, gmacs: b.gmacs, top: denseTop },
    agree: moneTop === denseTop,
    gap: result.probs[moneTop]! - b.probs[moneTop]!,
  };
}

/** The window with `clip` appended, the oldest dropped beyond `limit`. */
export function appendCompared(
  clips: readonly ComparedClip[],
  clip: ComparedClip,
  limit = COMPARE_WINDOW,
): ComparedClip[] {
  return [...clips.slice(Math.max(0, clips.length + 1 - limit)), clip];
}

/** The latest compared clip of `model`; null when it has none. */
export function lastCompared(
  clips: readonly ComparedClip[],
  model: string | null,
): ComparedClip | null {
  for (let i = clips.length - 1; i >= 0; i--) if (clips[i]!.model === model) return clips[i]!;
  return null;
}

export interface CompareSummary {
  /** Compared clips summarised: the window's clips of this model at this e_c. */
  readonly clips: number;
  readonly ec: number;
  readonly moneMs: number;
  readonly denseMs: number;
  readonly moneGmacs: number;
  readonly denseGmacs: number;
  readonly agreements: number;
  /** agreements / clips, 0..1. */
  readonly agreement: number;
  readonly gap: number;
  /** What the budget saves per clip (medians): dense − MoNE; negative when MoNE costs more. */
  readonly gmacsSaved: number;
  /** gmacsSaved / denseGmacs. */
  readonly gmacsSavedShare: number;
  readonly msSaved: number;
}

/**
 * Running medians over the compared clips of `model` at the budget `ec` (clips at other budgets
 * or of another model describe another trade-off); null when there are none.
 */
export function compareSummary(
  clips: readonly ComparedClip[],
  model: string,
  ec: number,
): CompareSummary | null {
  const here = clips.filter((c) => c.model === model && Math.abs(c.ec - ec) < 1e-9);
  if (here.length === 0) return null;
  const med = (f: (c: ComparedClip) => number) => median(here.map(f));
  const moneGmacs = med((c) => c.mone.gmacs);
  const denseGmacs = med((c) => c.dense.gmacs);
  const moneMs = med((c) => c.mone.ms);
  const denseMs = med((c) => c.dense.ms);
  const agreements = here.filter((c) => c.agree).length;
  return {
    clips: here.length,
    ec,
    moneMs,
    denseMs,
    moneGmacs,
    denseGmacs,
    agreements,
    agreement: agreements / here.length,
    gap: med((c) => c.gap),
    gmacsSaved: denseGmacs - moneGmacs,
    gmacsSavedShare: denseGmacs > 0 ? (denseGmacs - moneGmacs) / denseGmacs : 0,
    msSaved: denseMs - moneMs,
  };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * "At e_c = 0.50 (medians of 40 clips) the budget saves 0.102 GMACs (44%) and 1.3 ms per clip;
 * it costs 2 disagreements with the dense model (5%)."
 */
export function compareSentence(s: CompareSummary): string {
  const compute =
    s.gmacsSaved >= 0
      ? `saves ${s.gmacsSaved.toFixed(3)} GMACs (${pct(s.gmacsSavedShare)})`
      : `saves no compute (${(-s.gmacsSaved).toFixed(3)} GMACs more)`;
  const time =
    s.msSaved >= 0
      ? `and ${s.msSaved.toFixed(1)} ms per clip`
      : `but takes ${(-s.msSaved).toFixed(1)} ms longer per clip`;
  const d = s.clips - s.agreements;
  const clips = s.clips === 1 ? '1 clip' : `medians of ${s.clips} clips`;
  return (
    `At e_c = ${s.ec.toFixed(2)} (${clips}) the budget ${compute} ${time}; it costs ` +
    `${d} disagreement${d === 1 ? '' : 's'} with the dense model (${pct(1 - s.agreement)}).`
  );
}

export interface CompareAvailability {
  /** The baseline to run beside the chosen model; null when compare is not possible. */
  readonly baseline: ModelEntry | null;
  /** Why compare is off-limits, or what it compares with. */
  readonly reason: string;
}

/** Whether the chosen model has a dense baseline to compare with, and why not. */
export function compareAvailability(models: ModelsState): CompareAvailability {
  const { index, choice } = models;
  if (index !== null && choice !== null && isOwnModelId(choice.id)) {
    // A model from disk names no baseline the app could load beside it.
    return {
      baseline: null,
      reason:
        'Your own model has no baseline in the model index: compare mode needs a shipped MoNE model.',
    };
  }
  const model = index === null || choice === null ? undefined : modelById(index, choice.id);
  if (index === null || model === undefined) {
    return { baseline: null, reason: 'No model is chosen yet.' };
  }
  if (model.kind === 'dense') {
    return {
      baseline: null,
      reason: `${model.name} is itself a dense model: choose a MoNE model to compare it with its baseline.`,
    };
  }
  const baseline = model.baseline === undefined ? undefined : modelById(index, model.baseline);
  if (baseline === undefined) {
    return { baseline: null, reason: `${model.name} names no dense baseline in the model index.` };
  }
  return {
    baseline,
    reason: `Runs ${baseline.name} on the same clips beside ${model.name}.`,
  };
}
