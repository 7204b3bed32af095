/**
 * Browser storage maths for the runtime panel and the warning before a model download: what
 * navigator.storage.estimate() reports, and whether a model of `model_bytes` (the model index)
 * fits into what the quota leaves. Pure, so the rules are tested without a browser.
 */
import type { StorageEstimateBytes } from './offlineTypes';
import { formatBytes } from './selectors';

/** The estimate as bytes, or null when the browser gave none or nonsense (no quota). */
export function estimateBytes(estimate: StorageEstimate | undefined): StorageEstimateBytes | null {
  const usage = estimate?.usage ?? 0;
  const quota = estimate?.quota;
  if (quota === undefined || !Number.isFinite(quota) || quota <= 0) return null;
  if (!Number.isFinite(usage) || usage < 0) return null;
  return { usage, quota };
}

/** What the quota still leaves for this origin (never negative: usage can exceed a new quota). */
export const freeBytes = (e: StorageEstimateBytes) => Math.max(0, e.quota - e.usage);

/**
 * Whether a model file of `modelBytes` that is about to download could also be kept for offline
 * use (an older export of the same file is replaced in place, so the check is conservative):
 * - `unknown`: the browser gave no estimate; nothing to say;
 * - `fits` / `too-big`: its size against quota − usage.
 */
export type ModelFit =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'fits'; readonly freeBytes: number }
  | { readonly kind: 'too-big'; readonly freeBytes: number; readonly modelBytes: number };

export function modelFit(modelBytes: number, estimate: StorageEstimateBytes | null): ModelFit {
  if (estimate === null) return { kind: 'unknown' };
  const free = freeBytes(estimate);
  return modelBytes > free
    ? { kind: 'too-big', freeBytes: free, modelBytes }
    : { kind: 'fits', freeBytes: free };
}

/** The warning for a model that will not fit, null otherwise. */
export function storageWarning(modelName: string, fit: ModelFit): string | null {
  if (fit.kind !== 'too-big') return null;
  return (
    `${modelName} needs ${storageBytes(fit.modelBytes)} but this site has only ` +
    `${storageBytes(fit.freeBytes)} of browser storage left. It still downloads and runs, but ` +
    'cannot be kept for offline use: it downloads again next visit. Clear the model cache or ' +
    "free space in the browser's site settings to keep it."
  );
}

/** formatBytes, plus GB: quotas are often tens of GB. */
export function storageBytes(bytes: number): string {
  const gb = 1024 * 1024 * 1024;
  return bytes >= gb ? `${(bytes / gb).toFixed(1)} GB` : formatBytes(bytes);
}

/** The runtime panel's line, e.g. "4.3 MB of 1.2 GB used (0.4%)". */
export function storageText(estimate: StorageEstimateBytes | null): string {
  if (estimate === null) return 'unknown (this browser gives no estimate)';
  const pct = (100 * estimate.usage) / estimate.quota;
  const shown = pct > 0 && pct < 0.1 ? '<0.1' : pct.toFixed(1);
  return `${storageBytes(estimate.usage)} of ${storageBytes(estimate.quota)} used (${shown}%)`;
}
