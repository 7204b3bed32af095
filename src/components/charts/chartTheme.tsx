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

/** The margin of the charts over the run number (latency, class probabilities). */
export const RUN_CHART_MARGIN = { top: 8, right: 12, bottom: 0, left: -8 };

/** Axis ticks, legend text and tooltip box in the theme's colours (shared by every chart). */
export function chartChrome(theme: ChartTheme, fontSize = 11) {
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
