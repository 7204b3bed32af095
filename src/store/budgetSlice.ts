import { effectiveCapacityOfCounts, validateCounts } from '../model/budget';
import { initialAutoBudgetState } from './autoBudget';
import { countsFor, snapToGrid } from './budgetMath';
import { rebalanceCounts } from './counts';
import type { BudgetSlice, BudgetState, SliceCreator } from './types';

export const DEFAULT_TARGET_MS = 20;

export const initialBudget: BudgetState = {
  // Replaced by metadata.budget.default_ec on engineReady unless something chose an e_c first.
  ec: 0.5,
  chosen: false,
  chosenAs: null,
  counts: null,
  mode: 'ec',
  advanced: false,
  auto: { enabled: false, targetMs: DEFAULT_TARGET_MS, controller: initialAutoBudgetState },
};

export const createBudgetSlice: SliceCreator<BudgetSlice> = (set, get) => ({
  budget: initialBudget,

  budgetChanged: (ec, as) => {
    const meta = get().engine.metadata;
    const { budget } = get();
    // Unchanged when already off: views of `auto` do not redraw on every slider step.
    const auto =
      !budget.auto.enabled && budget.auto.controller === initialAutoBudgetState
        ? budget.auto
        : { ...budget.auto, enabled: false, controller: initialAutoBudgetState };
    if (meta === null) {
      // Before the model is known (e.g. ?ec= in the URL): keep it, engineReady validates it.
      set({ budget: { ...budget, ec, chosen: true, chosenAs: as ?? null, auto } });
      return;
    }
    const { min_ec, max_ec } = meta.budget;
    const snapped = snapToGrid(meta, ec);
    if (snapped === null || ec < min_ec - 1e-9 || ec > max_ec + 1e-9) {
      get().errorRaised({
        scope: 'budget',
        title: 'Invalid budget',
        message: `${as ?? `e_c = ${String(ec)}`} is outside the range this model supports [${min_ec}, ${max_ec}]; kept ${String(budget.ec)}.`,
        severity: 'warning',
      });
      return;
    }
    // The same value again (a slider held at an end): nothing for views to redraw.
    const same = snapped === budget.ec && budget.chosen && budget.mode === 'ec';
    if (same && auto === budget.auto) return;
    set({
      budget: {
        ...budget,
        ec: snapped,
        chosen: true,
        chosenAs: null,
        counts: countsFor(meta, snapped),
        mode: 'ec',
        auto,
      },
    });
  },

  countsEdited: (expert, value) => {
    const meta = get().engine.metadata;
    const { budget } = get();
    if (meta === null || budget.counts === null) return;
    const counts = rebalanceCounts(budget.counts, expert, value, meta.tokens.per_step);
    // rebalanceCounts cannot produce invalid counts; checked anyway because these go straight
    // into the model's int64 input.
    if (validateCounts(counts, meta.tokens.per_step, meta.experts.count) !== null) return;
    const auto = { ...budget.auto, enabled: false, controller: initialAutoBudgetState };
    set({ budget: { ...budget, counts, mode: 'custom', auto } });
  },

  advancedToggled: (on) => {
    const meta = get().engine.metadata;
    const { budget } = get();
    if (on || meta === null) {
      set({ budget: { ...budget, advanced: on } });
      return;
    }
    // Closing the editor returns to the budget rule at the slider's e_c.
    set({ budget: { ...budget, advanced: false, mode: 'ec', counts: countsFor(meta, budget.ec) } });
  },

  autoBudgetToggled: (on) => {
    const { budget } = get();
    const meta = get().engine.metadata;
    // The controller moves e_c, so it works on the budget rule, not on typed counts.
    const counts = on && meta !== null ? countsFor(meta, budget.ec) : budget.counts;
    set({
      budget: {
        ...budget,
        mode: on ? 'ec' : budget.mode,
        counts,
        auto: { ...budget.auto, enabled: on, controller: initialAutoBudgetState },
      },
    });
  },

  targetLatencyChanged: (ms) => {
    if (!(Number.isFinite(ms) && ms > 0)) return;
    const { budget } = get();
    set({
      budget: {
        ...budget,
        auto: { ...budget.auto, targetMs: ms, controller: initialAutoBudgetState },
      },
    });
  },
});

/** e_c the next run reports: the slider's, or the one realised by typed counts. */
export function runEc(budget: BudgetState): number {
  if (budget.mode === 'custom' && budget.counts !== null) {
    return effectiveCapacityOfCounts(budget.counts);
  }
  return budget.ec;
}
