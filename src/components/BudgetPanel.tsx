import { useEffect, useId, useMemo, useState } from 'react';
import { useAppState } from '../app/context';
import { presets, sliderGrid } from '../store/budgetMath';
import { budgetView, formatGmacs } from '../store/selectors';
import { AdvancedCounts } from './AdvancedCounts';
import { AutoBudget } from './AutoBudget';
import { CountsBar } from './CountsBar';
import { createFrameCoalescer } from './frameCoalescer';

/**
 * The compute knob: e_c slider, presets, what it costs (GMACs, share of dense compute, tokens per
 * expert) and the advanced per-expert mode. A change applies to the next run; the model is never
 * reloaded.
 *
 * While the slider is dragged the thumb and the e_c readout follow every input event, but the
 * store (and what reads it: the cost, the charts, the link) changes at most once per frame.
 */
export function BudgetPanel() {
  const meta = useAppState((s) => s.engine.metadata);
  const budget = useAppState((s) => s.budget);
  const budgetChanged = useAppState((s) => s.budgetChanged);
  const advancedToggled = useAppState((s) => s.advancedToggled);
  const id = useId();
  const view = useMemo(() => (meta === null ? null : budgetView(meta, budget)), [meta, budget]);
  /** The slider's value while its store update waits for the next frame. */
  const [dragged, setDragged] = useState<number | null>(null);
  const toStore = useMemo(
    () =>
      createFrameCoalescer<number>((ec) => {
        budgetChanged(ec);
        setDragged(null);
      }),
    [budgetChanged],
  );
  useEffect(() => () => toStore.cancel(), [toStore]);
  const ec = dragged ?? budget.ec;

  if (meta === null || view === null) {
    return (
      <section className="panel budget" aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>Compute budget</h2>
        <p className="muted">Available once the model has loaded.</p>
      </section>
    );
  }
  if (meta.variant === 'dense') {
    return (
      <section className="panel budget" aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>Compute budget</h2>
        <p className="muted" data-testid="dense-note">
          {meta.name} is a dense baseline: every token takes the full expert, so the budget does not
          apply (the slider returns with a MoNE model).
        </p>
        <p className="cost">
          <strong data-testid="gmacs" data-value={view.gmacs}>
            {formatGmacs(view.gmacs)} GMACs
          </strong>{' '}
          per clip · <span data-testid="compute-percent">100%</span> of the full model
        </p>
        <CountsBar counts={view.counts} widths={meta.experts.widths} />
      </section>
    );
  }
  const grid = sliderGrid(meta);
  const custom = budget.mode === 'custom';

  return (
    <section className="panel budget" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Compute budget</h2>
      <label htmlFor={`${id}-ec`} className="slider-label">
        Effective capacity e<sub>c</sub> = <strong data-testid="ec-value">{ec.toFixed(2)}</strong>
        {custom && (
          <span className="muted"> (custom counts: e_c {view.effectiveEc.toFixed(3)})</span>
        )}
        {budget.auto.enabled && <span className="pill">auto</span>}
      </label>
      <input
        id={`${id}-ec`}
        type="range"
        data-testid="budget-slider"
        min={grid.min}
        max={grid.max}
        step={grid.step}
        value={ec}
        onChange={(e) => {
          const value = Number(e.target.value);
          setDragged(value);
          toStore.push(value);
        }}
        aria-valuetext={view.valueText}
      />
      <div className="presets" role="group" aria-label="Budget presets">
        {presets(meta).map((p) => (
          <button
            key={p.name}
            type="button"
            aria-pressed={!custom && Math.abs(budget.ec - p.ec) < 1e-9}
            onClick={() => budgetChanged(p.ec)}
          >
            {p.name} ({p.ec})
          </button>
        ))}
      </div>
      <p className="cost">
        <strong data-testid="gmacs" data-value={view.gmacs}>
          {formatGmacs(view.gmacs)} GMACs
        </strong>{' '}
        per clip ·{' '}
        <span data-testid="compute-percent">{Math.round(view.fractionOfDense * 100)}%</span> of the
        full model
      </p>
      <CountsBar counts={view.counts} widths={meta.experts.widths} />
      <label className="inline">
        <input
          type="checkbox"
          checked={budget.advanced}
          onChange={(e) => advancedToggled(e.target.checked)}
          data-testid="advanced-toggle"
        />{' '}
        Advanced: set tokens per expert
      </label>
      {budget.advanced && (
        <AdvancedCounts
          counts={view.counts}
          widths={meta.experts.widths}
          total={meta.tokens.per_step}
        />
      )}
      <AutoBudget />
    </section>
  );
}
