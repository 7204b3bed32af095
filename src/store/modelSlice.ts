import { initialAutoBudgetState } from './autoBudget';
import { initialResults } from './resultsSlice';
import type { ModelsSlice, SliceCreator } from './types';

export const createModelSlice: SliceCreator<ModelsSlice> = (set, get) => ({
  models: { index: null, choice: null, own: [], keepOwn: false },

  modelsIndexed: (index) => set((s) => ({ models: { ...s.models, index } })),

  modelsIndexFailed: (message) => {
    get().errorRaised({
      scope: 'model',
      title: 'Model list unavailable',
      message,
      severity: 'error',
    });
    set((s) => ({ engine: { ...s.engine, phase: 'error' } }));
  },

  modelChosen: (choice) => {
    const s = get();
    const previous = s.models.choice;
    if (previous === null || previous.id === choice.id) {
      set({ models: { ...s.models, choice } });
      return;
    }
    // Another model: what the last one showed would mislead (its classes, its latency, its
    // sweep), so it goes; the source, the budget the user set and the session's clip log stay.
    s.resultsCleared();
    set((now) => ({
      models: { ...now.models, choice },
      engine: { ...now.engine, phase: 'loading', load: null, warmup: null, warmupMs: null },
      results: { ...initialResults, runs: now.results.runs, log: now.results.log },
      budget: {
        ...now.budget,
        auto: { ...now.budget.auto, controller: initialAutoBudgetState },
      },
      heatmap: { ...now.heatmap, step: 'latest' },
    }));
  },

  keptModelsListed: (kept) =>
    set((s) => {
      // Models opened on this page and not kept stay; the kept ones are what storage holds now.
      const ids = new Set(kept.map((m) => m.id));
      const opened = s.models.own.filter((m) => !m.own.kept && !ids.has(m.id));
      return { models: { ...s.models, own: [...opened, ...kept] } };
    }),

  ownModelOpened: (entry) => {
    set((s) => {
      const others = s.models.own.filter((m) => m.id !== entry.id);
      return { models: { ...s.models, own: [...others, entry] } };
    });
    get().modelChosen({ id: entry.id, by: 'user' });
  },

  keepOwnToggled: (on) => set((s) => ({ models: { ...s.models, keepOwn: on } })),

  ownModelForgotten: (id) =>
    set((s) => ({ models: { ...s.models, own: s.models.own.filter((m) => m.id !== id) } })),
});
