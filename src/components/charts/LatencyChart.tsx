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
import { latencySeries } from '../../store/selectors';
import { ChartPanel } from './ChartPanel';
import { CHART_REFRESH_MS, useThrottled } from './throttle';

/** Model run time and end-to-end time (capture → result) per clip. */
export function LatencyChart() {
  const history = useThrottled(
    useAppState((s) => s.results.history),
    CHART_REFRESH_MS,
  );
  const target = useAppState((s) => (s.budget.auto.enabled ? s.budget.auto.targetMs : null));
  const data = useMemo(() => latencySeries(history), [history]);
  return <LatencyPlot data={data} target={target} />;
}

/** Memoised so that only a throttled history change redraws the chart, not every result. */
const LatencyPlot = memo(function LatencyPlot({
  data,
  target,
}: {
  data: ReturnType<typeof latencySeries>;
  target: number | null;
}) {
  return (
    <ChartPanel title="Latency per clip (ms)" testId="latency-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: -8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#ddd" />
          <XAxis dataKey="run" tick={{ fontSize: 11 }} />
          <YAxis tick={{ fontSize: 11 }} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line
            type="monotone"
            dataKey="runMs"
            name="model run"
            stroke="#31688e"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="endToEndMs"
            name="end to end"
            stroke="#e66101"
            dot={false}
            isAnimationActive={false}
          />
          {target !== null && (
            <Line
              dataKey={() => target}
              name="target"
              stroke="#888"
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
