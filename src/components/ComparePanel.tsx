import { useId, useMemo } from 'react';
import { useAppState } from '../app/context';
import {
  compareAvailability,
  compareSentence,
  compareSummary,
  lastCompared,
} from '../store/compare';
import { formatGmacs, prettyLabel } from '../store/selectors';

const ms = (x: number) => `${x.toFixed(1)} ms`;
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;

export const GAP_EXPLAINED =
  'Confidence gap: MoNE’s probability for its top-1 class minus the dense model’s probability for that same class. Near 0: the dense model backs MoNE’s answer as firmly; large: it does not (as when they disagree).';

/**
 * Compare mode: a labelled toggle (disabled, with the reason, when the chosen model has no dense
 * baseline) and, while on, the MoNE model against its baseline on the same clips: latency and
 * GMACs of each, the top-1 of each and whether they agree, the confidence gap, for the last clip
 * and as medians over the compared clips at the current budget, and what the budget saves and
 * costs. All numbers come from src/store/compare.ts.
 */
export function ComparePanel() {
  const compare = useAppState((s) => s.compare);
  const models = useAppState((s) => s.models);
  const meta = useAppState((s) => s.engine.metadata);
  const compareToggled = useAppState((s) => s.compareToggled);
  const id = useId();
  const availability = useMemo(() => compareAvailability(models), [models]);
  const model = meta?.name ?? null;
  const last = useMemo(() => lastCompared(compare.clips, model), [compare.clips, model]);
  const summary = useMemo(
    () => (last === null ? null : compareSummary(compare.clips, last.model, last.ec)),
    [compare.clips, last],
  );
  const available = availability.baseline !== null;
  const on = compare.enabled && available;
  const label = (i: number) => prettyLabel(meta?.labels[i] ?? String(i));

  return (
    <section className="panel compare" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Compare with the dense baseline</h2>
      <div className="controls-row">
        <input
          type="checkbox"
          id={`${id}-toggle`}
          data-testid="compare-toggle"
          checked={on}
          disabled={!available}
          aria-describedby={`${id}-why`}
          onChange={(e) => compareToggled(e.target.checked)}
        />
        <label htmlFor={`${id}-toggle`}>Compare mode</label>
      </div>
      <p id={`${id}-why`} className="muted" data-testid="compare-reason">
        {availability.reason}
        {available && ' Each clip then costs both runs.'}
      </p>
      <p className="muted" role="status" data-testid="compare-status">
        {compare.error ?? (on ? (compare.loading ?? '') : '')}
      </p>
      {on && last !== null && summary !== null && (
        <>
          <table className="compare-table" data-testid="compare-table">
            <caption className="visually-hidden">
              {meta?.name} at e_c = {last.ec.toFixed(2)} against {last.baseline}
            </caption>
            <thead>
              <tr>
                <th scope="col" />
                <th scope="col">MoNE (e_c = {last.ec.toFixed(2)})</th>
                <th scope="col">Dense</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">Latency, this clip</th>
                <td data-testid="compare-mone-ms" data-ms={last.mone.ms}>
                  {ms(last.mone.ms)}
                </td>
                <td data-testid="compare-dense-ms" data-ms={last.dense.ms}>
                  {ms(last.dense.ms)}
                </td>
              </tr>
              <tr>
                <th scope="row">Latency, median</th>
                <td data-testid="compare-mone-ms-median" data-ms={summary.moneMs}>
                  {ms(summary.moneMs)}
                </td>
                <td data-testid="compare-dense-ms-median" data-ms={summary.denseMs}>
                  {ms(summary.denseMs)}
                </td>
              </tr>
              <tr>
                <th scope="row">GMACs per clip</th>
                <td data-testid="compare-mone-gmacs" data-gmacs={last.mone.gmacs}>
                  {formatGmacs(last.mone.gmacs)}
                </td>
                <td data-testid="compare-dense-gmacs" data-gmacs={last.dense.gmacs}>
                  {formatGmacs(last.dense.gmacs)}
                </td>
              </tr>
              <tr>
                <th scope="row">Top-1, this clip</th>
                <td data-testid="compare-mone-top1" data-label={meta?.labels[last.mone.top]}>
                  {label(last.mone.top)}
                </td>
                <td data-testid="compare-dense-top1" data-label={meta?.labels[last.dense.top]}>
                  {label(last.dense.top)}
                </td>
              </tr>
            </tbody>
          </table>
          <dl className="facts">
            <dt>Agreement, this clip</dt>
            <dd data-testid="compare-agree" data-agree={String(last.agree)}>
              {last.agree ? 'same top-1' : 'different top-1'}
            </dd>
            <dt>Agreement, running</dt>
            <dd
              data-testid="compare-agreement"
              data-agreements={summary.agreements}
              data-clips={summary.clips}
            >
              {summary.agreements} of {summary.clips} clips ({Math.round(summary.agreement * 100)}%)
            </dd>
            <dt>
              <abbr title={GAP_EXPLAINED}>Confidence gap</abbr>, this clip / median
            </dt>
            <dd data-testid="compare-gap" data-gap={last.gap}>
              {signed(last.gap)} / {signed(summary.gap)}
            </dd>
          </dl>
          <p className="muted">{GAP_EXPLAINED}</p>
          <p data-testid="compare-summary">{compareSentence(summary)}</p>
        </>
      )}
    </section>
  );
}
