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
import { prettyLabel, probabilitySeries } from '../../store/selectors';
import { ChartPanel } from './ChartPanel';
import { CHART_REFRESH_MS, useThrottled } from './throttle';

/** Tableau 10: distinct, reasonably colour-blind-friendly categorical colours for 10 classes. */
const CLASS_COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/** Smoothed probability of every class over the recent clips. */
export function ProbabilityChart() {
  const history = useThrottled(
    useAppState((s) => s.results.history),
    CHART_REFRESH_MS,
  );
  const labels = useAppState((s) => s.engine.metadata?.labels);
  const data = useMemo(() => probabilitySeries(history, labels ?? []), [history, labels]);
  return <ProbabilityPlot data={data} labels={labels ?? NO_LABELS} />;
}

const NO_LABELS: readonly string[] = [];

/** Memoised so that only a throttled history change redraws the chart, not every result. */
const ProbabilityPlot = memo(function ProbabilityPlot({
  data,
  labels,
}: {
  data: ReturnType<typeof probabilitySeries>;
  labels: readonly string[];
}) {
  return (
    <ChartPanel title="Class probabilities over time" testId="probability-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: -8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#ddd" />
          <XAxis dataKey="run" tick={{ fontSize: 11 }} />
          <YAxis domain={[0, 1]} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {labels.map((label, i) => (
            <Line
              key={label}
              type="monotone"
              dataKey={label}
              name={prettyLabel(label)}
              stroke={CLASS_COLOURS[i % CLASS_COLOURS.length]}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </ChartPanel>
  );
});
