/**
 * Compare mode's rule for running a dense baseline beside the MoNE model: both runs read one
 * input tensor (the worker writes the clip once and hands the same buffer to both sessions), so
 * the baseline must read exactly the same input, and its probabilities are only comparable class
 * by class when its labels are the same, in the same order.
 */
import type { ModelMetadata } from './metadata';

export type CompareMeta = Pick<ModelMetadata, 'name' | 'variant' | 'labels' | 'video'>;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Null when `baseline` can run on `model`'s input tensor and be compared with it, else why not. */
export function compareProblem(model: CompareMeta, baseline: CompareMeta): string | null {
  const who = `"${baseline.name}" cannot be compared with "${model.name}"`;
  if (baseline.name === model.name) return `${who}: it is the same model`;
  if (baseline.variant !== 'dense') return `${who}: it is not a dense model`;
  if (!same(baseline.labels, model.labels)) {
    return `${who}: its classes differ (${baseline.labels.length} vs ${model.labels.length}, or another order)`;
  }
  const fields = Object.keys({ ...model.video, ...baseline.video }) as (keyof typeof model.video)[];
  const differ = fields.filter((k) => !same(model.video[k], baseline.video[k]));
  if (differ.length > 0) {
    return `${who}: it reads another input (video ${differ.join(', ')} differ)`;
  }
  return null;
}
