/**
 * Budget helpers the store and the views share: the slider grid, snapping an e_c onto it and the
 * counts for an e_c, all read from the model's metadata (never hard-coded, so another export with
 * other levels just works).
 */
import { countsForBudget } from '../model/budget';
import { fullExpertCounts } from '../model/macs';
import type { ModelMetadata } from '../model/metadata';

export type BudgetMeta = Pick<ModelMetadata, 'budget' | 'tokens' | 'experts' | 'variant' | 'macs'>;

/** Slider grid step. 0.05 when it tiles [min_ec, max_ec] exactly (it does for the shipped model). */
export const EC_STEP = 0.05;

export interface SliderGrid {
  readonly min: number;
  readonly max: number;
  readonly step: number;
}

export function sliderGrid(meta: BudgetMeta): SliderGrid {
  const { min_ec: min, max_ec: max } = meta.budget;
  const steps = (max - min) / EC_STEP;
  // A range input cannot reach max when the step does not tile the range; fall back to a fine
  // grid rather than an unreachable full budget.
  const step = Math.abs(steps - Math.round(steps)) < 1e-9 ? EC_STEP : 0.005;
  return { min, max, step };
}

/** Nearest grid value minEc + k * step inside [minEc, maxEc], rounded to hide float dust. */
export function snapEc(ec: number, minEc: number, maxEc: number, step: number): number {
  const k = Math.round((ec - minEc) / step);
  const snapped = Math.min(maxEc, Math.max(minEc, minEc + k * step));
  return Math.round(snapped * 1e6) / 1e6;
}

/** e_c snapped onto the slider grid; null when not a finite number. */
export function snapToGrid(meta: BudgetMeta, ec: number): number | null {
  if (!Number.isFinite(ec)) return null;
  const { min, max, step } = sliderGrid(meta);
  return snapEc(ec, min, max, step);
}

/** The counts a run uses at `ec`; a dense model ignores them, so it gets the full expert's. */
export function countsFor(meta: BudgetMeta, ec: number): number[] {
  if (meta.variant === 'dense') return fullExpertCounts(meta);
  return countsForBudget(ec, meta.tokens.per_step, meta.experts.count);
}

export interface Preset {
  readonly name: string;
  readonly ec: number;
}

/** Min, Balanced (the model's default e_c) and Full. */
export function presets(meta: BudgetMeta): Preset[] {
  return [
    { name: 'Min', ec: meta.budget.min_ec },
    { name: 'Balanced', ec: meta.budget.default_ec },
    { name: 'Full', ec: meta.budget.max_ec },
  ];
}
