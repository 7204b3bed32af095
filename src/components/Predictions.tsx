import { useId, useMemo } from 'react';
import { useAppState } from '../app/context';
import { prettyLabel, topPredictions } from '../store/selectors';

/** Top-5 classes, probabilities averaged over the last few clips; the top-1 large. */
export function Predictions() {
  const smoothed = useAppState((s) => s.results.smoothed);
  const labels = useAppState((s) => s.engine.metadata?.labels);
  const id = useId();
  const top = useMemo(() => topPredictions(smoothed, labels ?? []), [smoothed, labels]);
  const best = top[0];
  return (
    <section className="panel predictions" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Prediction</h2>
      {best === undefined ? (
        <p className="muted">Waiting for the first clip…</p>
      ) : (
        <>
          <p className="top1" data-testid="top1" data-label={best.label}>
            {prettyLabel(best.label)} <span className="prob">{(best.prob * 100).toFixed(0)}%</span>
          </p>
          <ol className="top5" aria-label="Top 5 classes">
            {top.map((p) => (
              <li key={p.label}>
                <span className="top5-label">{prettyLabel(p.label)}</span>
                <meter
                  min={0}
                  max={1}
                  value={p.prob}
                  aria-label={`${prettyLabel(p.label)} probability`}
                />
                <span className="top5-prob">{(p.prob * 100).toFixed(1)}%</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
