import { appendCompared, comparedClip } from './compare';
import { formatBytes } from './selectors';
import type { CompareSlice, SliceCreator } from './types';

/** Nothing of the baseline loading: it ran, failed, or compare was toggled. */
const NOT_LOADING = { loading: null, download: null } as const;

export const createCompareSlice: SliceCreator<CompareSlice> = (set, get) => ({
  compare: { enabled: false, clips: [], ...NOT_LOADING, error: null },

  // Off keeps the window (it is this session's record) and the baseline's session (the engine's
  // cache of loaded models decides when it goes): on again compares at once.
  compareToggled: (on) =>
    set((s) => ({
      compare: { ...s.compare, ...NOT_LOADING, enabled: on, error: on ? null : s.compare.error },
    })),

  clipCompared: (result) => {
    const s = get();
    const outcome = result.baseline;
    if (outcome === undefined || !s.compare.enabled) return;
    if (!outcome.ok) {
      set({ compare: { ...s.compare, ...NOT_LOADING, enabled: false, error: outcome.message } });
      s.errorRaised({
        scope: 'model',
        title: 'Compare stopped',
        message: outcome.message,
        severity: 'warning',
      });
      return;
    }
    const model = s.engine.metadata?.name ?? s.models.choice?.id ?? '';
    const clip = comparedClip(result, s.results.runs, model);
    if (clip === null) return;
    set({
      compare: { ...s.compare, ...NOT_LOADING, clips: appendCompared(s.compare.clips, clip) },
    });
  },

  baselineLoadProgressed: (ev) => {
    if (ev.type === 'warmup') {
      const loading = `Warming up the baseline… ${ev.done}/${ev.total}`;
      set((s) => ({ compare: { ...s.compare, loading } }));
      return;
    }
    const { file, loadedBytes, totalBytes, fromCache } = ev;
    const loading = `Loading the baseline${fromCache ? ' from cache' : ''}… ${formatBytes(loadedBytes)} of ${formatBytes(totalBytes)}`;
    set((s) => ({
      compare: { ...s.compare, loading, download: { file, loadedBytes, totalBytes, fromCache } },
    }));
  },
});
