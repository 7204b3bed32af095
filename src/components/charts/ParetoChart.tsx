import { useMemo } from 'react';
import {
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceDot,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useAppState } from '../../app/context';
import { budgetView, formatGmacs, operatingPoint, paretoCurves } from '../../store/selectors';
import { ChartPanel } from './ChartPanel';

const CURVE_STYLE: Record<string, { stroke: string; dash?: string }> = {
  mone: { stroke: '#31688e' },
  nested_only: { stroke: '#35b779', dash: '6 3' },
  random_router: { stroke: '#e66101', dash: '2 3' },
  dense: { stroke: '#440154' },
};

/**
 * Compute–accuracy trade-off measured offline by the exporter (metadata.evaluation.curves), with
 * the current budget as a vertical line and a dot at the MoNE top-1 of the nearest e_c.
 */
export function ParetoChart() {
  const meta = useAppState((s) => s.engine.metadata);
  const budget = useAppState((s) => s.budget);
  const curves = useMemo(() => (meta === null ? [] : paretoCurves(meta)), [meta]);
  const view = useMemo(() => (meta === null ? null : budgetView(meta, budget)), [meta, budget]);
  if (meta === null || view === null) {
    return (
      <ChartPanel title="Compute vs accuracy">
        <p className="muted">Available once the model has loaded.</p>
      </ChartPanel>
    );
  }
  const op = operatingPoint(meta, view.gmacs, view.effectiveEc);
  return (
    <ChartPanel
      title="Compute vs accuracy (GMACs per clip)"
      testId="pareto-chart"
      data={{ 'data-curves': curves.length, 'data-gmacs': view.gmacs }}
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
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart margin={{ top: 8, right: 12, bottom: 8, left: -8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#ddd" />
          <XAxis type="number" dataKey="gmacs" domain={[0, 'auto']} tick={{ fontSize: 11 }} />
          <YAxis
            type="number"
            dataKey="top1"
            domain={[0, 1]}
            tick={{ fontSize: 11 }}
            tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
          />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {curves.map((c) => (
            <Line
              key={c.key}
              data={[...c.points]}
              dataKey="top1"
              name={c.name}
              stroke={CURVE_STYLE[c.key]?.stroke ?? '#666'}
              strokeDasharray={CURVE_STYLE[c.key]?.dash}
              isAnimationActive={false}
            />
          ))}
          <ReferenceLine
            x={view.gmacs}
            stroke="#d7191c"
            strokeDasharray="4 2"
            ifOverflow="extendDomain"
          />
          {op.top1 !== null && (
            <ReferenceDot
              x={view.gmacs}
              y={op.top1}
              r={6}
              fill="#d7191c"
              stroke="#fff"
              ifOverflow="extendDomain"
            />
          )}
        </ComposedChart>
      </ResponsiveContainer>
    </ChartPanel>
  );
}
