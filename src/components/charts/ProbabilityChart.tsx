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
import { ChartPanel } from './ChartPanel';
import { CHART_REFRESH_MS, useThrottled } from './throttle';

/**
 * Smoothed probability of each class over the recent clips: every class of a small model, the most
 * likely ones of a large label set (a line per class, its colour fixed by the class).
 */
export function ProbabilityChart() {
  const history = useThrottled(
    useAppState((s) => s.results.history),
    CHART_REFRESH_MS,
  );
  const labels = useAppState((s) => s.engine.metadata?.labels) ?? NO_LABELS;
  const data = useMemo(() => probabilitySeries(history, labels), [history, labels]);
  const shown = useMemo(() => chartClasses(history, labels), [history, labels]);
  return <ProbabilityPlot data={data} labels={labels} shown={shown} />;
}

const NO_LABELS: readonly string[] = [];

/** Memoised so that only a throttled history change redraws the chart, not every result. */
const ProbabilityPlot = memo(function ProbabilityPlot({
  data,
  labels,
  shown,
}: {
  data: ReturnType<typeof probabilitySeries>;
  labels: readonly string[];
  shown: readonly number[];
}) {
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
        <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: -8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#ddd" />
          <XAxis dataKey="run" tick={{ fontSize: 11 }} />
          <YAxis domain={[0, 1]} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 11 }} />
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
