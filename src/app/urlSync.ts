/**
 * Keeps the query string in step with the store (budget, sample, backend, model, weights) via
 * history.replaceState, so the address bar can be shared without adding history entries for
 * every slider move. Writes are deferred until the state has been still for URL_WRITE_DELAY_MS
 * (and flushed when the page is hidden): replaceState costs milliseconds per call.
 */
import { isOwnModelId } from '../model/ownModelId';
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
    weights: s.engine.weightsPreference,
    // A model the link or the picker chose; the default is left out (it depends on the backend),
    // and so is a model from the user's disk (no link can carry a local file).
    model:
      s.models.choice === null
        ? initial.model
        : s.models.choice.by === 'default' || isOwnModelId(s.models.choice.id)
          ? null
          : s.models.choice.id,
  };
}

/** A write waits this long after the last change: a slider drag writes once, when it stops. */
export const URL_WRITE_DELAY_MS = 250;

const sameState = (a: UrlState, b: UrlState) =>
  a.ec === b.ec &&
  a.sample === b.sample &&
  a.backend === b.backend &&
  a.model === b.model &&
  a.weights === b.weights;

export function startUrlSync(
  store: AppStore,
  search: string,
  delayMs = URL_WRITE_DELAY_MS,
): () => void {
  const initial = parseUrlState(search);
  let last = search;
  let shown: UrlState | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const write = () => {
    timer = null;
    const next = serialiseUrlState(urlStateOf(store.getState(), initial), window.location.search);
    if (next === last) return;
    last = next;
    const url = `${window.location.pathname}${next}${window.location.hash}`;
    window.history.replaceState(window.history.state, '', url);
  };
  const flush = () => {
    if (timer === null) return;
    clearTimeout(timer);
    write();
  };
  // Most store changes (results, ten a second) leave the link as it is: compared, not written.
  const unsubscribe = store.subscribe((s) => {
    const state = urlStateOf(s, initial);
    if (shown !== null && sameState(state, shown)) return;
    shown = state;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(write, delayMs);
  });
  window.addEventListener('pagehide', flush);
  return () => {
    unsubscribe();
    window.removeEventListener('pagehide', flush);
    flush();
  };
}
