import { describe, expect, it } from 'vitest';
import { chartChrome, readChartTheme } from './chartTheme';

describe('readChartTheme', () => {
  it('takes each colour from its custom property', () => {
    const props: Record<string, string> = {
      '--panel': ' #1a1f27',
      '--chart-text': '#a7b0bd',
      '--series-1': '#7cb3e0',
      '--series-4': '#c58cf2',
      '--marker': '#ff6b6b',
    };
    const theme = readChartTheme((name) => props[name] ?? '');
    expect(theme.panel).toBe('#1a1f27');
    expect(theme.text).toBe('#a7b0bd');
    expect(theme.series[0]).toBe('#7cb3e0');
    expect(theme.series[3]).toBe('#c58cf2');
    expect(theme.marker).toBe('#ff6b6b');
  });

  it('falls back to the light theme where a property is not set', () => {
    const theme = readChartTheme(() => '');
    expect(theme.panel).toBe('#fff');
    expect(theme.grid).toBe('#dde1e6');
    expect(theme.series).toHaveLength(4);
  });
});

describe('chartChrome', () => {
  it('gives the same props for the same theme and font size, new ones when either changes', () => {
    const light = readChartTheme(() => '');
    const dark = readChartTheme((name) => (name === '--panel' ? '#111' : ''));
    expect(chartChrome(light)).toBe(chartChrome(light));
    expect(chartChrome(light).axis).toBe(chartChrome(light, 11).axis);
    expect(chartChrome(light, 12)).not.toBe(chartChrome(light));
    expect(chartChrome(light, 12).axis.tick.fontSize).toBe(12);
    expect(chartChrome(dark)).not.toBe(chartChrome(light));
  });
});
