import { useMemo } from 'react';
import {
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { DotItemDotProps } from 'recharts';
import { useAppState, useController } from '../../app/context';
import { sweepBlocker } from '../../store/exports';
import { prettyLabel, sweepRows, type SweepRow } from '../../store/selectors';
import { DownloadButtons } from '../DownloadButtons';
import { sweepSummary } from '../../store/chartSummaries';
import { ChartPanel } from './ChartPanel';
import { chartChrome, useChartTheme, type ChartTheme } from './chartTheme';

interface DotProps {
  readonly cx?: number | string;
  readonly cy?: number | string;
  readonly payload?: SweepRow;
  readonly theme: ChartTheme;
}

/** Filled dot: same top-1 as the full budget; hollow red: the prediction changed. */
function AgreementDot({ cx, cy, payload, theme }: DotProps) {
  if (typeof cx !== 'number' || typeof cy !== 'number' || payload === undefined) return null;
  return payload.agrees ? (
    <circle cx={cx} cy={cy} r={4} fill={theme.series[2]} />
  ) : (
    <circle cx={cx} cy={cy} r={5} fill={theme.panel} stroke={theme.marker} strokeWidth={2} />
  );
}

/** "Explore budgets": the current clip at every budget level, against GMACs. */
export function SweepChart() {
  const controller = useController();
  const sweep = useAppState((s) => s.results.sweep);
  const labels = useAppState((s) => s.engine.metadata?.labels);
  const dense = useAppState((s) => s.engine.metadata?.variant === 'dense');
  const ready = useAppState((s) => s.engine.phase === 'ready' && s.results.runs > 0);
  const rows = useMemo(() => sweepRows(sweep.points, labels ?? []), [sweep.points, labels]);
  const theme = useChartTheme();
  const chrome = chartChrome(theme);
  const button = (
    <div className="sweep-actions">
      <button
        type="button"
        onClick={() => controller.exploreBudgets()}
        disabled={!ready || dense || sweep.status === 'running'}
        data-testid="explore-budgets"
      >
        {sweep.status === 'running' ? 'Exploring…' : 'Explore budgets'}
      </button>
      {!dense && (
        <DownloadButtons
          label="Download the sweep"
          blocker={sweepBlocker(sweep.status, rows.length)}
          choices={[
            { kind: 'sweep-csv', label: 'CSV', description: 'Download the sweep as CSV' },
            { kind: 'sweep-png', label: 'PNG', description: 'Download the sweep chart as PNG' },
          ]}
        />
      )}
    </div>
  );
  return (
    <ChartPanel
      title="Explore budgets (this clip, vs GMACs)"
      testId="sweep-chart"
      data={{ 'data-points': rows.length, 'data-status': sweep.status }}
      extra={button}
    >
      {rows.length === 0 ? (
        <p className="muted chart-note">
          {dense
            ? 'A dense baseline has one cost: there are no budgets to explore.'
            : sweep.status === 'failed'
              ? 'The sweep failed; try again once a clip has been classified.'
              : 'Runs the current clip at every budget level and plots latency, confidence and whether the prediction matches e_c = 1.'}
        </p>
      ) : (
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart
            data={rows}
            margin={{ top: 8, right: 0, bottom: 8, left: -8 }}
            title="Explore budgets"
            desc={sweepSummary(rows)}
          >
            <CartesianGrid {...chrome.grid} />
            <XAxis
              type="number"
              dataKey="gmacs"
              domain={['auto', 'auto']}
              {...chrome.axis}
              label={{
                value: 'GMACs per clip',
                position: 'insideBottom',
                offset: -4,
                fontSize: 11,
                fill: theme.text,
              }}
            />
            <YAxis yAxisId="ms" {...chrome.axis} />
            <YAxis yAxisId="p" orientation="right" domain={[0, 1]} {...chrome.axis} />
            <Tooltip {...chrome.tooltip} />
            <Legend {...chrome.legend} />
            <Line
              yAxisId="ms"
              dataKey="medianRunMs"
              name="median run (ms)"
              stroke={theme.series[0]}
              isAnimationActive={false}
            />
            <Line
              yAxisId="p"
              dataKey="confidence"
              name="top-1 confidence (● agrees with e_c = 1, ○ differs)"
              stroke={theme.series[2]}
              dot={(props: DotItemDotProps) => (
                <AgreementDot
                  key={props.index}
                  cx={props.cx}
                  cy={props.cy}
                  payload={props.payload as SweepRow}
                  theme={theme}
                />
              )}
              isAnimationActive={false}
            />
          </ComposedChart>
        </ResponsiveContainer>
      )}
      {rows.length > 0 && (
        <details className="sweep-table">
          <summary>Data</summary>
          <table>
            <thead>
              <tr>
                <th>e_c</th>
                <th>GMACs</th>
                <th>median ms</th>
                <th>top-1</th>
                <th>agrees</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.ec}>
                  <td>{r.ec}</td>
                  <td>{r.gmacs}</td>
                  <td>{r.medianRunMs}</td>
                  <td>
                    {prettyLabel(r.top1)} ({(r.confidence * 100).toFixed(0)}%)
                  </td>
                  <td>{r.agrees ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </ChartPanel>
  );
}
