import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contrastRatio, parseColour } from './colour';

describe('parseColour', () => {
  it('reads hex and computed rgb()/rgba() forms', () => {
    expect(parseColour('#fff')).toEqual([255, 255, 255]);
    expect(parseColour('#31688E')).toEqual([49, 104, 142]);
    expect(parseColour('rgb(26, 31, 39)')).toEqual([26, 31, 39]);
    expect(parseColour('rgba(0, 0, 0, 0.5)')).toEqual([0, 0, 0]);
    expect(parseColour('rgb(1 2 3 / 50%)')).toEqual([1, 2, 3]);
  });
  it('returns null for what it does not know', () => {
    expect(parseColour('var(--ink)')).toBeNull();
    expect(parseColour('#12345')).toBeNull();
    expect(contrastRatio('red', '#fff')).toBeNaN();
  });
});

describe('contrastRatio', () => {
  it('matches the WCAG reference values', () => {
    expect(contrastRatio('#000', '#fff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#fff', '#fff')).toBeCloseTo(1, 5);
    // #767676 on white is the classic 4.54:1 grey.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#fff', '#767676')).toBeCloseTo(contrastRatio('#767676', '#fff'), 10);
  });
});

/** The custom properties of one :root block of styles.css, by name. */
function themeBlock(css: string, dark: boolean): Record<string, string> {
  const start = dark ? css.indexOf('@media (prefers-color-scheme: dark)') : css.indexOf(':root {');
  const block = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries(
    Array.from(block.matchAll(/(--[\w-]+):\s*(#[0-9a-fA-F]{3,6});/g), (m) => [m[1]!, m[2]!]),
  );
}

describe('the theme in styles.css', () => {
  const css = readFileSync(new URL('../styles.css', import.meta.url), 'utf8');
  const light = themeBlock(css, false);
  const dark = { ...light, ...themeBlock(css, true) };
  // Text on its backgrounds: 4.5:1 (WCAG AA, normal text); chart lines and the focus ring are
  // graphics: 3:1 (WCAG 1.4.11).
  const text: [string, string][] = [
    ['--ink', '--bg'],
    ['--ink', '--panel'],
    ['--ink', '--control-bg'],
    ['--muted', '--bg'],
    ['--muted', '--panel'],
    ['--chart-text', '--panel'],
    ['--on-accent', '--accent'],
    ['--error', '--error-bg'],
    ['--warn', '--warn-bg'],
    ['--on-highlight', '--highlight'],
    ['--header-ink', '--header-bg'],
    ['--header-muted', '--header-bg'],
  ];
  const graphics: [string, string][] = [
    ['--focus', '--bg'],
    ['--focus', '--panel'],
    ['--series-1', '--panel'],
    ['--series-2', '--panel'],
    ['--series-3', '--panel'],
    ['--series-4', '--panel'],
    ['--marker', '--panel'],
  ];
  for (const [name, theme] of [
    ['light', light],
    ['dark', dark],
  ] as const) {
    it(`${name}: every text pair is at least 4.5:1, every graphic at least 3:1`, () => {
      for (const [fg, bg] of text) {
        expect(contrastRatio(theme[fg]!, theme[bg]!), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
      }
      for (const [fg, bg] of graphics) {
        expect(contrastRatio(theme[fg]!, theme[bg]!), `${fg} on ${bg}`).toBeGreaterThanOrEqual(3);
      }
    });
  }
});
