import type { ErrorsSlice, HeatmapSlice, SliceCreator } from './types';

export const createHeatmapSlice: SliceCreator<HeatmapSlice> = (set) => ({
  heatmap: { visible: true, opacity: 0.55, step: 'latest' },
  heatmapToggled: (visible) => set((s) => ({ heatmap: { ...s.heatmap, visible } })),
  heatmapOpacityChanged: (opacity) =>
    set((s) => ({ heatmap: { ...s.heatmap, opacity: Math.min(1, Math.max(0, opacity)) } })),
  heatmapStepChosen: (step) => set((s) => ({ heatmap: { ...s.heatmap, step } })),
});

/** Messages shown at once; older ones drop off. */
export const MAX_ERRORS = 6;

export const createErrorsSlice: SliceCreator<ErrorsSlice> = (set) => {
  let nextId = 1;
  return {
    errors: [],
    errorRaised: (error) =>
      set((s) => {
        // The same failure repeating (e.g. every run) is one message, not a growing list.
        const same = s.errors.some(
          (e) => e.scope === error.scope && e.title === error.title && e.message === error.message,
        );
        if (same) return {};
        return { errors: [...s.errors, { ...error, id: nextId++ }].slice(-MAX_ERRORS) };
      }),
    errorDismissed: (id) => set((s) => ({ errors: s.errors.filter((e) => e.id !== id) })),
  };
};
