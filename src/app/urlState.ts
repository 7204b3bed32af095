/**
 * The shareable part of the view in the query string:
 * `?model=mone-vivit-s&ec=0.35&sample=moving_left&backend=wasm`.
 * Read once on load, written back with history.replaceState whenever one of them changes.
 * Parameters this module does not own are kept as they are.
 */
import type { BackendPreference } from '../workers/protocol';

export interface UrlState {
  /** Effective capacity from the link; validated against the model once its metadata is known. */
  readonly ec: number | null;
  /** Sample clip by class label (e.g. `moving_left`) or file name. */
  readonly sample: string | null;
  readonly backend: BackendPreference;
  /** Model id from the link; checked against the model index once it is known. */
  readonly model: string | null;
}

const BACKENDS: readonly BackendPreference[] = ['auto', 'webgpu', 'wasm'];

export function parseUrlState(search: string): UrlState {
  const params = new URLSearchParams(search);
  const ecText = params.get('ec');
  const ec = ecText === null || ecText.trim() === '' ? null : Number(ecText);
  const backendText = params.get('backend');
  const backend = BACKENDS.find((b) => b === backendText) ?? 'auto';
  const sample = params.get('sample');
  const model = params.get('model');
  return {
    ec: ec === null || Number.isNaN(ec) ? null : ec,
    sample: sample || null,
    backend,
    model: model || null,
  };
}

/** `search` with our parameters replaced (absent ones removed); '' when none are left. */
export function serialiseUrlState(state: UrlState, search = ''): string {
  const params = new URLSearchParams(search);
  if (state.ec === null) params.delete('ec');
  else params.set('ec', String(Math.round(state.ec * 1000) / 1000));
  if (state.sample === null) params.delete('sample');
  else params.set('sample', state.sample);
  if (state.backend === 'auto') params.delete('backend');
  else params.set('backend', state.backend);
  if (state.model === null) params.delete('model');
  else params.set('model', state.model);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
