import { memo, useDeferredValue, useMemo } from 'react';
import {
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  usePlotArea,
  useXAxisScale,
  useYAxisScale,
  XAxis,
  YAxis,
} from 'recharts';
import { useAppState } from '../../app/context';
import {
  budgetCostIfTheirs,
  formatGmacs,
  operatingPoint,
  paretoCurves,
  type CurveSeries,
} from '../../store/selectors';
import { paretoSummary } from '../../store/chartSummaries';
import { ChartPanel } from './ChartPanel';
import { chartChrome, useChartTheme, type ChartTheme } from './chartTheme';

/** Each curve's line: a theme series colour (chartTheme.ts) and a dash pattern. */
const CURVE_STYLE: Record<string, { series: 0 | 1 | 2 | 3; dash?: string }> = {
  mone: { series: 0 },
  nested_only: { series: 2, dash: '6 3' },
  random_router: { series: 1, dash: '2 3' },
  dense: { series: 3 },
};

/**
 * Compute–accuracy trade-off measured offline by the exporter (metadata.evaluation.curves), with
 * the current budget as a vertical line and a dot at the MoNE top-1 of the nearest e_c.
 *
 * Dragging the budget slider moves only the marker: the plot (curves, axes, legend) is built once
 * per model and never redrawn for a budget change; the marker is its own small component inside
 * it that reads the budget, at low priority (useDeferredValue: a drag stays smooth, intermediate
 * values may be skipped), and places itself with the chart's scales.
 */
export function ParetoChart() {
  const meta = useAppState((s) => s.engine.metadata);
  const op = useOperatingPoint();
  const curves = useMemo(() => (meta === null ? [] : paretoCurves(meta)), [meta]);
  const theme = useChartTheme();
  if (meta === null || op === null) {
    return (
      <ChartPanel title="Compute vs accuracy">
        <p className="muted">Available once the model has loaded.</p>
      </ChartPanel>
    );
  }
  return (
    <ChartPanel
      title="Compute vs accuracy (GMACs per clip)"
      testId="pareto-chart"
      data={{ 'data-curves': curves.length, 'data-gmacs': op.gmacs }}
      extra={
        <span className="muted">
          now: {formatGmacs(op.gmacs)} GMACs
          {op.top1 !== null &&
            `, top-1 ${(op.top1 * 100).toFixed(1)}%${meta.variant === 'dense' ? ' (dense)' : ` (e_c ${op.nearestEc})`}`}
        </span>
      }
    >
      {curves.length === 0 && (
        <p className="muted chart-note">
          This model’s metadata has no evaluation curves yet; only the current budget is shown.
        </p>
      )}
      <ParetoPlot curves={curves} theme={theme} summary={paretoSummary(curves)} />
    </ChartPanel>
  );
}

/** The current budget's GMACs and offline top-1, following the budget at low priority. */
function useOperatingPoint() {
  const meta = useAppState((s) => s.engine.metadata);
  const counts = useDeferredValue(useAppState((s) => s.budget.counts));
  return useMemo(() => {
    if (meta === null || counts === null) return null;
    // The deferred counts lag a model switch by a render: skip them until they are this model's.
    const cost = budgetCostIfTheirs(meta, counts);
    return cost === null ? null : operatingPoint(meta, cost.gmacs, cost.effectiveEc);
  }, [meta, counts]);
}

/** Redrawn only when the curves change (a new model). */
const ParetoPlot = memo(function ParetoPlot({
  curves,
  theme,
  summary,
}: {
  curves: readonly CurveSeries[];
  theme: ChartTheme;
  summary: string;
}) {
  const chrome = chartChrome(theme);
  const style = (key: string) => CURVE_STYLE[key] ?? { series: 0 };
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart
        margin={{ top: 8, right: 12, bottom: 8, left: -8 }}
        title="Compute vs accuracy"
        desc={summary}
      >
        <CartesianGrid {...chrome.grid} />
        <XAxis type="number" dataKey="gmacs" domain={[0, 'auto']} {...chrome.axis} />
        <YAxis
          type="number"
          dataKey="top1"
          domain={[0, 1]}
          {...chrome.axis}
          tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
        />
        <Tooltip {...chrome.tooltip} />
        <Legend {...chrome.legend} />
        {curves.map((c) => (
          <Line
            key={c.key}
            data={[...c.points]}
            dataKey="top1"
            name={c.name}
            stroke={theme.series[style(c.key).series]}
            strokeDasharray={style(c.key).dash}
            isAnimationActive={false}
          />
        ))}
        <OperatingPointMarker theme={theme} />
      </ComposedChart>
    </ResponsiveContainer>
  );
});

/**
 * The vertical line at the budget's GMACs and the dot at its top-1, in the chart's coordinates.
 * Every budget lies inside the x domain [0, dense GMACs], so the axes never move with it.
 */
function OperatingPointMarker({ theme }: { theme: ChartTheme }) {
  const op = useOperatingPoint();
  const x = useXAxisScale();
  const y = useYAxisScale();
  const area = usePlotArea();
  if (op === null || x === undefined || y === undefined || area === undefined) return null;
  const px = x(op.gmacs);
  if (px === undefined) return null;
  const py = op.top1 === null ? undefined : y(op.top1);
  return (
    <g className="operating-point" data-testid="pareto-marker" data-gmacs={op.gmacs}>
      <line
        x1={px}
        x2={px}
        y1={area.y}
        y2={area.y + area.height}
        stroke={theme.marker}
        strokeDasharray="4 2"
      />
      {py !== undefined && (
        <circle cx={px} cy={py} r={6} fill={theme.marker} stroke={theme.panel} />
      )}
    </g>
  );
}
