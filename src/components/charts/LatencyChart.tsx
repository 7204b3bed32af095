import { memo, useMemo } from 'react';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useAppState } from '../../app/context';
import { latencySummary } from '../../store/chartSummaries';
import { latencySeries } from '../../store/selectors';
import { ChartPanel } from './ChartPanel';
import { chartChrome, RUN_CHART, useChartTheme, type ChartTheme } from './chartTheme';
import { CHART_PHASE_MS, CHART_REFRESH_MS, useThrottled } from './throttle';

/** Model run time and end-to-end time (capture → result) per clip. */
export function LatencyChart() {
  const history = useThrottled(
    useAppState((s) => s.results.history),
    CHART_REFRESH_MS,
    CHART_PHASE_MS.latency,
  );
  const target = useAppState((s) => (s.budget.auto.enabled ? s.budget.auto.targetMs : null));
  const data = useMemo(() => latencySeries(history), [history]);
  const summary = useMemo(() => latencySummary(history), [history]);
  return <LatencyPlot data={data} target={target} summary={summary} theme={useChartTheme()} />;
}

/** Memoised so that only a throttled history change redraws the chart, not every result. */
const LatencyPlot = memo(function LatencyPlot({
  data,
  target,
  summary,
  theme,
}: {
  data: ReturnType<typeof latencySeries>;
  target: number | null;
  summary: string;
  theme: ChartTheme;
}) {
  const chrome = chartChrome(theme);
  const title = 'Latency per clip (ms)';
  return (
    <ChartPanel title={title} testId="latency-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={RUN_CHART.margin} title={title} desc={summary}>
          <CartesianGrid {...chrome.grid} {...RUN_CHART.grid} />
          <XAxis {...RUN_CHART.xAxis} {...chrome.axis} />
          <YAxis {...RUN_CHART.yAxis} {...chrome.axis} />
          <Tooltip {...chrome.tooltip} />
          <Legend {...chrome.legend} />
          <Line
            type="monotone"
            dataKey="runMs"
            name="model run"
            stroke={theme.series[0]}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="endToEndMs"
            name="end to end"
            stroke={theme.series[1]}
            dot={false}
            isAnimationActive={false}
          />
          {target !== null && (
            <Line
              dataKey={() => target}
              name="target"
              stroke={theme.text}
              strokeDasharray="4 4"
              dot={false}
              isAnimationActive={false}
            />
          )}
        </LineChart>
      </ResponsiveContainer>
    </ChartPanel>
  );
});
