import { createStore } from 'zustand/vanilla';
import { createBudgetSlice } from './budgetSlice';
import { createCompareSlice } from './compareSlice';
import { createEngineSlice } from './engineSlice';
import { createModelSlice } from './modelSlice';
import { createOfflineSlice } from './offlineSlice';
import { createResultsSlice } from './resultsSlice';
import { createSourceSlice } from './sourceSlice';
import type { AppState } from './types';
import { createErrorsSlice, createHeatmapSlice } from './viewSlices';

/** One store per app (and per test): the slices together, no middleware. */
export function createAppStore() {
  return createStore<AppState>()((set, get, api) => ({
    ...createEngineSlice(set, get, api),
    ...createModelSlice(set, get, api),
    ...createCompareSlice(set, get, api),
    ...createBudgetSlice(set, get, api),
    ...createResultsSlice(set, get, api),
    ...createSourceSlice(set, get, api),
    ...createHeatmapSlice(set, get, api),
    ...createErrorsSlice(set, get, api),
    ...createOfflineSlice(set, get, api),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;
export type { AppState } from './types';
