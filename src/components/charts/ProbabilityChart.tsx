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
import { chartClasses, classColour, prettyLabel, probabilitySeries } from '../../store/selectors';
import { probabilitySummary } from '../../store/chartSummaries';
import { ChartPanel } from './ChartPanel';
import { chartChrome, RUN_CHART, useChartTheme, type ChartTheme } from './chartTheme';
import { CHART_PHASE_MS, CHART_REFRESH_MS, useThrottled } from './throttle';

/**
 * Smoothed probability of each class over the recent clips: every class of a small model, the most
 * likely ones of a large label set (a line per class, its colour fixed by the class).
 */
export function ProbabilityChart() {
  const history = useThrottled(
    useAppState((s) => s.results.history),
    CHART_REFRESH_MS,
    CHART_PHASE_MS.probability,
  );
  const labels = useAppState((s) => s.engine.metadata?.labels) ?? NO_LABELS;
  const data = useMemo(() => probabilitySeries(history, labels), [history, labels]);
  const shown = useMemo(() => chartClasses(history, labels), [history, labels]);
  const summary = useMemo(() => probabilitySummary(history, labels), [history, labels]);
  return (
    <ProbabilityPlot
      data={data}
      labels={labels}
      shown={shown}
      summary={summary}
      theme={useChartTheme()}
    />
  );
}

const NO_LABELS: readonly string[] = [];

/** Memoised so that only a throttled history change redraws the chart, not every result. */
const ProbabilityPlot = memo(function ProbabilityPlot({
  data,
  labels,
  shown,
  summary,
  theme,
}: {
  data: ReturnType<typeof probabilitySeries>;
  labels: readonly string[];
  shown: readonly number[];
  summary: string;
  theme: ChartTheme;
}) {
  const chrome = chartChrome(theme);
  const title =
    shown.length < labels.length
      ? `Class probabilities over time (the ${shown.length} most likely of ${labels.length})`
      : 'Class probabilities over time';
  return (
    <ChartPanel
      title={title}
      testId="probability-chart"
      data={{ 'data-classes': labels.length, 'data-lines': shown.length }}
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={RUN_CHART.margin} title={title} desc={summary}>
          <CartesianGrid {...chrome.grid} {...RUN_CHART.grid} />
          <XAxis {...RUN_CHART.xAxis} {...chrome.axis} />
          <YAxis domain={[0, 1]} {...RUN_CHART.yAxis} {...chrome.axis} />
          <Tooltip {...chrome.tooltip} />
          <Legend {...chrome.legend} />
          {shown.map((i) => (
            <Line
              key={labels[i]}
              type="monotone"
              dataKey={labels[i]}
              name={prettyLabel(labels[i] ?? '')}
              stroke={classColour(i, labels.length)}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </ChartPanel>
  );
});
