import { useMemo, useSyncExternalStore } from 'react';

/**
 * The charts' colours, read from the theme's CSS custom properties (styles.css): recharts draws
 * SVG with colours passed as props, so they cannot follow `prefers-color-scheme` by CSS alone.
 * Re-read whenever the system theme changes.
 */
export interface ChartTheme {
  readonly panel: string;
  readonly ink: string;
  readonly line: string;
  readonly grid: string;
  readonly text: string;
  readonly series: readonly [string, string, string, string];
  readonly marker: string;
}

/** Light-theme values, used where a property is missing (a test page without styles.css). */
const FALLBACK: Record<string, string> = {
  '--panel': '#fff',
  '--ink': '#1d2330',
  '--line': '#d9dde3',
  '--chart-grid': '#dde1e6',
  '--chart-text': '#5d6675',
  '--series-1': '#31688e',
  '--series-2': '#c2510a',
  '--series-3': '#2a8f5e',
  '--series-4': '#440154',
  '--marker': '#d7191c',
};

/** `read(name)` gives a custom property's value, '' when it is not set. */
export function readChartTheme(read: (name: string) => string): ChartTheme {
  const v = (name: string) => read(name).trim() || (FALLBACK[name] ?? '#888');
  return {
    panel: v('--panel'),
    ink: v('--ink'),
    line: v('--line'),
    grid: v('--chart-grid'),
    text: v('--chart-text'),
    series: [v('--series-1'), v('--series-2'), v('--series-3'), v('--series-4')],
    marker: v('--marker'),
  };
}

const DARK = '(prefers-color-scheme: dark)';

function subscribe(onChange: () => void): () => void {
  const query = window.matchMedia(DARK);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

const isDark = () => window.matchMedia(DARK).matches;

export function useChartTheme(): ChartTheme {
  const dark = useSyncExternalStore(subscribe, isDark);
  return useMemo(() => {
    const style = getComputedStyle(document.documentElement);
    return { ...readChartTheme((name) => style.getPropertyValue(name)), dark };
  }, [dark]);
}

/**
 * The charts over the run number (latency, class probabilities): margin, grid and axes. They
 * redraw twice a second while streaming, so they skip recharts' layout work that costs most and
 * shows least (measured with bench/traceLongTasks.ts):
 * - x is the run number as a number axis (a few round ticks), not one category per run: with 60
 *   categories every tick label was measured in the DOM to choose which to show.
 * - `interval: 0` shows each of the ~5 ticks an axis makes instead of measuring their labels in
 *   the DOM to drop overlapping ones (they do not overlap at these sizes).
 * - no vertical grid lines: they recomputed the x ticks once more per redraw.
 */
export const RUN_CHART = {
  margin: { top: 8, right: 12, bottom: 0, left: -8 },
  grid: { vertical: false },
  xAxis: {
    dataKey: 'run',
    type: 'number',
    domain: ['dataMin', 'dataMax'],
    allowDecimals: false,
    interval: 0,
  },
  yAxis: { interval: 0 },
} as const;

/** chartChrome's results by theme and font size: one object per theme, so a chart's axes, grid,
 * legend and tooltip get the same props on every redraw and recharts does not re-register them
 * (each registration is a store update and a synchronous re-render of the chart). */
type Chrome = ReturnType<typeof makeChrome>;
const chromeCache = new WeakMap<ChartTheme, Map<number, Chrome>>();

/** Axis ticks, legend text and tooltip box in the theme's colours (shared by every chart). */
export function chartChrome(theme: ChartTheme, fontSize = 11) {
  let byFont = chromeCache.get(theme);
  if (byFont === undefined) chromeCache.set(theme, (byFont = new Map<number, Chrome>()));
  let chrome = byFont.get(fontSize);
  if (chrome === undefined) byFont.set(fontSize, (chrome = makeChrome(theme, fontSize)));
  return chrome;
}

function makeChrome(theme: ChartTheme, fontSize: number) {
  return {
    grid: { strokeDasharray: '3 3', stroke: theme.grid },
    /** For XAxis and YAxis: tick labels and the axis line. */
    axis: { tick: { fontSize, fill: theme.text }, axisLine: { stroke: theme.text } },
    legend: {
      wrapperStyle: { fontSize, color: theme.text },
      // recharts colours legend text like its line; the theme's text colour keeps it readable.
      formatter: (value: unknown) => <span style={{ color: theme.text }}>{String(value)}</span>,
    },
    tooltip: {
      contentStyle: { background: theme.panel, borderColor: theme.line, color: theme.ink },
      labelStyle: { color: theme.ink },
    },
  };
}
