/**
 * Which budgets a freshly loaded model runs once before it is `ready`, when the request names none.
 *
 * WebGPU compiles shaders for every new set of shapes, and each budget level changes them (TopK's
 * K, the expert groups' sizes): every level runs once, so no slider move stalls on a compile.
 * WASM compiles nothing per shape; its first run pays the one-off costs (kernel set-up, the
 * memory arena) whatever the budget, and a first run at another level then takes the time of any
 * other run (measured on the gesture shape: first vs later runs at e_c 0.15–1 within the noise).
 * So one run at the default budget: a gesture-sized model at 11 levels × 0.1–0.2 s would keep
 * the page waiting 1–2 s longer for nothing. A dense model ignores the budget: one run.
 */
import type { Backend } from './backendChoice';
import type { ModelMetadata } from './metadata';

export function defaultWarmupLevels(
  meta: Pick<ModelMetadata, 'variant' | 'budget'>,
  backend: Backend,
): number[] {
  if (meta.variant === 'dense') return [];
  return backend === 'webgpu' ? [...meta.budget.levels] : [meta.budget.default_ec];
}
