import { TemporalSmoother } from '../model/postprocess';
import { autoBudgetStep } from './autoBudget';
import { countsFor, sliderGrid } from './budgetMath';
import { appendToLog, clipLogEntry, emptyClipLog } from './exports';
import type { HistoryPoint, ResultsSlice, ResultsState, SliceCreator } from './types';

/** Runs kept for the time-series charts and the latency percentiles. */
export const HISTORY_LENGTH = 120;
/** Clips averaged for the shown prediction (~0.8 s of results at 10 clips/s). */
export const SMOOTHING_WINDOW = 8;

export const initialResults: ResultsState = {
  latest: null,
  smoothed: null,
  history: [],
  runs: 0,
  sweep: { status: 'idle', requestId: null, points: [] },
  log: emptyClipLog,
};

export const createResultsSlice: SliceCreator<ResultsSlice> = (set, get) => {
  const smoother = new TemporalSmoother({ window: SMOOTHING_WINDOW });
  return {
    results: initialResults,

    clipScored: (result, now, wallTime = Date.now()) => {
      const s = get();
      const smoothed = Array.from(smoother.push(result.probs));
      const point: HistoryPoint = {
        run: s.results.runs + 1,
        at: now,
        runMs: result.timings.runMs,
        endToEndMs: result.timings.endToEndMs,
        ec: result.ec,
        gmacs: result.gmacs,
        probs: smoothed,
      };
      const history = [...s.results.history.slice(-(HISTORY_LENGTH - 1)), point];
      const meta = s.engine.metadata;
      const entry = clipLogEntry(result, {
        clip: point.run,
        time: wallTime,
        model: meta?.name ?? s.models.choice?.id ?? '',
        backend: s.engine.backend?.backend ?? null,
        labels: meta?.labels ?? [],
      });
      const log = appendToLog(s.results.log, entry);
      const results = { ...s.results, latest: result, smoothed, history, runs: point.run, log };

      const { budget } = s;
      // A dense model's cost does not depend on e_c: nothing to steer.
      if (!budget.auto.enabled || meta === null || meta.variant === 'dense') {
        set({ results });
        return;
      }
      const grid = sliderGrid(meta);
      const step = autoBudgetStep(
        budget.auto.controller,
        budget.ec,
        result.ec,
        result.timings.runMs,
        {
          targetMs: budget.auto.targetMs,
          minEc: grid.min,
          maxEc: grid.max,
          step: grid.step,
        },
      );
      set({
        results,
        budget: {
          ...budget,
          ec: step.ec,
          chosen: true,
          counts: step.ec === budget.ec ? budget.counts : countsFor(meta, step.ec),
          auto: { ...budget.auto, controller: step.state },
        },
      });
    },

    resultsCleared: () => {
      smoother.reset();
      set((s) => ({ results: { ...s.results, latest: null, smoothed: null } }));
    },

    sweepRequested: (requestId) =>
      set((s) => ({
        results: { ...s.results, sweep: { status: 'running', requestId, points: [] } },
      })),

    sweepFinished: ({ requestId, points }) => {
      if (get().results.sweep.requestId !== requestId) return;
      set((s) => ({ results: { ...s.results, sweep: { status: 'done', requestId, points } } }));
    },

    sweepFailed: () =>
      set((s) => ({ results: { ...s.results, sweep: { ...s.results.sweep, status: 'failed' } } })),
  };
};
