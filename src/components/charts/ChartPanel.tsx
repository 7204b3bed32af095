import { useId, type ReactNode } from 'react';

interface Props {
  readonly title: string;
  readonly children: ReactNode;
  readonly testId?: string;
  readonly extra?: ReactNode;
  /** Extra data-* attributes for automation (e.g. data-points). */
  readonly data?: Record<`data-${string}`, string | number>;
}

/** Titled box for one chart (fixed height so ResponsiveContainer has something to measure). */
export function ChartPanel({ title, children, testId, extra, data }: Props) {
  const id = useId();
  return (
    <section className="panel chart" aria-labelledby={id} data-testid={testId} {...data}>
      <div className="chart-head">
        <h2 id={id}>{title}</h2>
        {extra}
      </div>
      <div className="chart-body">{children}</div>
    </section>
  );
}
