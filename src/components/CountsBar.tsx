import { expertColour } from '../store/selectors';

interface Props {
  readonly counts: readonly number[];
  readonly widths: readonly number[];
}

/** Tokens per expert per time step as one stacked bar (same colours as the heatmap). */
export function CountsBar({ counts, widths }: Props) {
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  const E = counts.length;
  return (
    <div className="counts">
      <div
        className="counts-bar"
        role="img"
        aria-label={`Tokens per expert: ${counts.map((k, e) => `${widths[e] ?? '?'}-d ${k}`).join(', ')}`}
        data-testid="counts-bar"
        data-counts={JSON.stringify(counts)}
      >
        {counts.map((k, e) =>
          k === 0 ? null : (
            <span
              key={e}
              style={{ flexGrow: k, background: expertColour(e, E) }}
              className={e >= E / 2 ? 'dark-text' : undefined}
              title={`Expert ${e + 1} (${widths[e] ?? '?'}-d): ${k} of ${total} tokens`}
            >
              {k}
            </span>
          ),
        )}
      </div>
      <div className="counts-axis muted">
        <span>smallest ({widths[0]}-d)</span>
        <span>full ({widths[E - 1]}-d)</span>
      </div>
    </div>
  );
}
