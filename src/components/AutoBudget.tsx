import { useId } from 'react';
import { useAppState } from '../app/context';

/** Toggle + target latency: the controller (store/autoBudget.ts) moves e_c run by run. */
export function AutoBudget() {
  const auto = useAppState((s) => s.budget.auto);
  const toggled = useAppState((s) => s.autoBudgetToggled);
  const targetChanged = useAppState((s) => s.targetLatencyChanged);
  const id = useId();
  return (
    <fieldset className="auto-budget">
      <legend>Auto budget</legend>
      <label>
        <input
          type="checkbox"
          checked={auto.enabled}
          onChange={(e) => toggled(e.target.checked)}
          data-testid="auto-budget-toggle"
        />{' '}
        Adjust e<sub>c</sub> to meet a target model latency
      </label>
      <label htmlFor={`${id}-target`}>
        Target (ms per clip){' '}
        <input
          id={`${id}-target`}
          type="number"
          min={1}
          step={1}
          defaultValue={auto.targetMs}
          // Uncontrolled: a half-typed value (empty, 0) is ignored rather than snapped back.
          onChange={(e) => targetChanged(Number(e.target.value))}
          data-testid="target-latency"
        />
      </label>
      <p className="muted">
        {auto.enabled
          ? 'Moves e_c by the ratio of target to measured model time, one 0.05 step or more after every few runs.'
          : 'Off: e_c stays where you put it.'}
      </p>
    </fieldset>
  );
}
