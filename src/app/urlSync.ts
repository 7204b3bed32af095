/**
 * Keeps the query string in step with the store (budget, sample, backend, model) via
 * history.replaceState, so the address bar can be shared at any moment without adding history
 * entries for every slider move.
 */
import type { AppState, AppStore } from '../store';
import { parseUrlState, serialiseUrlState, type UrlState } from './urlState';

export function urlStateOf(s: AppState, initial: UrlState): UrlState {
  const sample = s.source.samples.find((x) => x.file === s.source.sample);
  return {
    // Before the model is known, keep what the link said (it is applied on ready).
    ec: s.engine.metadata !== null ? s.budget.ec : initial.ec,
    sample:
      s.source.kind === 'sample'
        ? (sample?.label ?? s.source.sample)
        : s.source.kind === 'none'
          ? initial.sample
          : null,
    backend: s.engine.preference,
    // A model the link or the picker chose; the default is left out (it depends on the backend).
    model:
      s.models.choice === null
        ? initial.model
        : s.models.choice.by === 'default'
          ? null
          : s.models.choice.id,
  };
}

export function startUrlSync(store: AppStore, search: string): () => void {
  const initial = parseUrlState(search);
  let last = search;
  return store.subscribe((s) => {
    const next = serialiseUrlState(urlStateOf(s, initial), window.location.search);
    if (next === last) return;
    last = next;
    const url = `${window.location.pathname}${next}${window.location.hash}`;
    window.history.replaceState(window.history.state, '', url);
  });
}
