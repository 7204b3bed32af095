/**
 * One-sentence text alternatives of the charts (their SVG <desc>), from the same data the charts
 * draw: what a sighted reader takes from each chart at a glance.
 */
import { topK } from '../model/postprocess';
import type { CurveSeries, SweepRow } from './selectors';
import { latencyStats, prettyLabel } from './selectors';
import type { HistoryPoint } from './types';

const pct = (p: number) => `${Math.round(p * 100)}%`;
const ms = (x: number) => `${x.toFixed(1)} ms`;
const range = (xs: readonly number[], fmt: (x: number) => string) => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? fmt(lo) : `${fmt(lo)} to ${fmt(hi)}`;
};

export function latencySummary(history: readonly HistoryPoint[]): string {
  const s = latencyStats(history);
  if (s.lastRunMs === null || s.p50 === null || s.p50EndToEnd === null) return 'No clips yet.';
  return (
    `${history.length} clips. Model run: last ${ms(s.lastRunMs)}, median ${ms(s.p50)}; ` +
    `end to end median ${ms(s.p50EndToEnd)}.`
  );
}

/** The three most likely classes after the latest clip. */
export function probabilitySummary(
  history: readonly HistoryPoint[],
  labels: readonly string[],
): string {
  const last = history.at(-1);
  if (last === undefined || last.probs.length !== labels.length) return 'No clips yet.';
  const top = topK(last.probs, labels, 3).map((p) => `${prettyLabel(p.label)} ${pct(p.prob)}`);
  return `${history.length} clips. After the latest: ${top.join(', ')}.`;
}

export function paretoSummary(curves: readonly CurveSeries[]): string {
  if (curves.length === 0) return 'No evaluation curves in this model’s metadata.';
  const parts = curves.map((c) => {
    const g = range(
      c.points.map((p) => p.gmacs),
      (x) => x.toFixed(3),
    );
    return `${c.name}: ${g} GMACs, top-1 ${range(
      c.points.map((p) => p.top1),
      pct,
    )}`;
  });
  return `Top-1 accuracy against GMACs per clip. ${parts.join('; ')}.`;
}

export function sweepSummary(rows: readonly SweepRow[]): string {
  if (rows.length === 0) return 'No budgets explored yet.';
  const agree = rows.filter((r) => r.agrees).length;
  return `${rows.length} budgets from ${range(
    rows.map((r) => r.gmacs),
    (x) => x.toFixed(3),
  )} GMACs; median run ${range(
    rows.map((r) => r.medianRunMs),
    ms,
  )}; the top-1 matches e_c = 1 at ${agree} of ${rows.length}.`;
}
