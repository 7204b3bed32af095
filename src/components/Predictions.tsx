import { useId, useMemo, useState } from 'react';
import { useAppState } from '../app/context';
import { nextAnnouncement, type Announcement } from '../store/announce';
import { CLIP_LOG_LIMIT, clipLogBlocker, truncationNote } from '../store/exports';
import { prettyLabel, topPredictions } from '../store/selectors';
import type { HistoryPoint } from '../store/types';
import { DownloadButtons } from './DownloadButtons';

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
      <PredictionAnnouncer labels={labels ?? NO_LABELS} />
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
      <ClipLogDownloads />
    </section>
  );
}

const NO_LABELS: readonly string[] = [];

/**
 * The polite live region: the top-1 and its confidence, said when they change
 * (store/announce.ts), not on every result; the visible top-1 above is not live.
 */
function PredictionAnnouncer({ labels }: { labels: readonly string[] }) {
  const point = useAppState((s) => s.results.history.at(-1) ?? null);
  // Derived from the previous result, updated while rendering (React's "storing information
  // from previous renders"), so no effect runs per result.
  const [state, setState] = useState<{ point: HistoryPoint | null; said: Announcement | null }>({
    point: null,
    said: null,
  });
  if (point !== state.point) {
    const next =
      point === null ? null : nextAnnouncement(state.said, point.probs, labels, point.at);
    setState({ point, said: next ?? state.said });
  }
  return (
    <p
      className="visually-hidden"
      aria-live="polite"
      aria-atomic="true"
      data-testid="prediction-announcement"
    >
      {state.said?.text ?? ''}
    </p>
  );
}

/** The session's per-clip log: how many clips it holds, and CSV / JSON downloads. */
function ClipLogDownloads() {
  const log = useAppState((s) => s.results.log);
  const note = truncationNote(log);
  return (
    <div className="clip-log">
      <p className="muted">
        Clip log: <strong data-testid="clip-log-count">{log.entries.length}</strong>{' '}
        {log.entries.length === 1 ? 'clip' : 'clips'} this session (the last{' '}
        {CLIP_LOG_LIMIT.toLocaleString('en-US')} are kept).
        {note !== null && <span data-testid="clip-log-truncated"> {note}</span>}
      </p>
      <DownloadButtons
        label="Download the clip log"
        blocker={clipLogBlocker(log)}
        choices={[
          { kind: 'clips-csv', label: 'CSV', description: 'Download the clip log as CSV' },
          { kind: 'clips-json', label: 'JSON', description: 'Download the clip log as JSON' },
        ]}
      />
    </div>
  );
}
