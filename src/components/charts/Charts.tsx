import { LatencyChart } from './LatencyChart';
import { ParetoChart } from './ParetoChart';
import { ProbabilityChart } from './ProbabilityChart';
import { SweepChart } from './SweepChart';

/** All charts: loaded as a separate chunk (recharts is most of the app's JavaScript). */
export function Charts() {
  return (
    <div className="charts">
      <LatencyChart />
      <ProbabilityChart />
      <ParetoChart />
      <SweepChart />
    </div>
  );
}
