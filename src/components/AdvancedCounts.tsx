import { useAppState } from '../app/context';
import { expertColour } from '../store/selectors';

interface Props {
  readonly counts: readonly number[];
  readonly widths: readonly number[];
  readonly total: number;
}

/**
 * Advanced mode: tokens per expert typed directly. The store rebalances the others so the
 * counts always sum to the tokens per step (each input is clamped to [0, total]).
 */
export function AdvancedCounts({ counts, widths, total }: Props) {
  const countsEdited = useAppState((s) => s.countsEdited);
  return (
    <fieldset className="advanced">
      <legend>Tokens per expert per time step (sum {total})</legend>
      {counts.map((k, e) => (
        <label key={e}>
          <span className="swatch" style={{ background: expertColour(e, counts.length) }} />
          {widths[e]}-d
          <input
            type="number"
            min={0}
            max={total}
            step={1}
            value={k}
            onChange={(ev) => {
              if (ev.target.value !== '') countsEdited(e, Number(ev.target.value));
            }}
            data-testid={`expert-count-${e}`}
          />
        </label>
      ))}
    </fieldset>
  );
}
