import { useId, useMemo } from 'react';
import { useAppState, useController } from '../app/context';
import { choiceReason, modelGroups, modelOptionText } from '../store/selectors';

/**
 * Which model runs: every model of the index (public/models/index.json), and why the chosen one
 * (the link, the user, or the index's default for the backend). A switch keeps the page and the
 * worker; a model used before comes back without a second session.
 */
export function ModelPicker() {
  const controller = useController();
  const models = useAppState((s) => s.models);
  const backend = useAppState((s) => s.engine.backend?.backend ?? null);
  const id = useId();
  const reason = useMemo(() => choiceReason(models, backend), [models, backend]);
  const { index, choice } = models;
  return (
    <div className="model-picker">
      <label htmlFor={`${id}-model`}>Model</label>
      <select
        id={`${id}-model`}
        data-testid="model-select"
        value={choice?.id ?? ''}
        disabled={index === null || choice === null}
        aria-describedby={`${id}-why`}
        onChange={(e) => controller.chooseModel(e.target.value)}
      >
        {index === null || choice === null ? (
          <option value="">Loading the model list…</option>
        ) : (
          modelGroups(index.models, models.own).map((group) => (
            <optgroup key={group.label} label={group.label}>
              {group.models.map((m) => (
                <option key={m.id} value={m.id}>
                  {modelOptionText(m, backend)}
                </option>
              ))}
            </optgroup>
          ))
        )}
      </select>
      <span id={`${id}-why`} className="model-reason" data-testid="model-reason">
        {reason}
      </span>
    </div>
  );
}
