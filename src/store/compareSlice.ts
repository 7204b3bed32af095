import { appendCompared, comparedClip } from './compare';
import { formatBytes } from './selectors';
import type { CompareSlice, SliceCreator } from './types';

export const createCompareSlice: SliceCreator<CompareSlice> = (set, get) => ({
  compare: { enabled: false, clips: [], loading: null, error: null },

  // Off keeps the window (it is this session's record) and the baseline's session (the engine's
  // cache of loaded models decides when it goes): on again compares at once.
  compareToggled: (on) =>
    set((s) => ({
      compare: { ...s.compare, enabled: on, error: on ? null : s.compare.error, loading: null },
    })),

  clipCompared: (result) => {
    const s = get();
    const outcome = result.baseline;
    if (outcome === undefined || !s.compare.enabled) return;
    if (!outcome.ok) {
      set({ compare: { ...s.compare, enabled: false, loading: null, error: outcome.message } });
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
    set({ compare: { ...s.compare, loading: null, clips: appendCompared(s.compare.clips, clip) } });
  },

  baselineLoadProgressed: (ev) => {
    const loading =
      ev.type === 'warmup'
        ? `Warming up the baseline… ${ev.done}/${ev.total}`
        : `Loading the baseline${ev.fromCache ? ' from cache' : ''}… ${formatBytes(ev.loadedBytes)} of ${formatBytes(ev.totalBytes)}`;
    set((s) => ({ compare: { ...s.compare, loading } }));
  },
});
