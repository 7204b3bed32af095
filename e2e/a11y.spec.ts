/**
 * Accessibility and look and feel, on the main view with the model loaded and a sample classified
 * (the whole UI present). WASM project only: nothing here depends on the backend.
 *  - Keyboard: Tab reaches every enabled control of the page, in reading order (the video and the
 *    prediction before the controls), each with a visible focus ring; the budget slider moves with
 *    the arrow keys and the next runs use the new budget; the heatmap reads patch by patch.
 *  - Screen readers: the prediction is said politely, on change and not per result; the error
 *    region is an assertive alert that is in place before its first message; the heatmap and the
 *    charts have text alternatives.
 *  - Themes: light and dark follow the system; axe (@axe-core/playwright) finds no serious or
 *    critical violation in either; the charts' SVG text, which axe cannot measure, has at least
 *    4.5:1 contrast against its panel in both.
 *  - A phone (390×844): video and prediction first, no horizontal scrolling, in both themes; the
 *    screenshot docs/screenshots/narrow-390x844.png comes from here (UPDATE_SCREENSHOTS=1 copies
 *    it there).
 */
import { copyFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { contrastRatio, luminance, parseColour } from '../src/components/colour';
import { ANNOUNCE_RULE } from '../src/store/announce';
import { prettyLabel } from '../src/store/selectors';
import { expect, test } from './fixtures';
import {
  clipTimeout,
  meta,
  openApp,
  ROOT,
  runsOf,
  samples,
  screenshotPath,
  top1Of,
  waitForMoreRuns,
} from './helpers';

const SCHEMES = ['light', 'dark'] as const;

/** Opens the app and waits for the first classified clip and the charts. */
async function openClassified(page: Page, appPath: string) {
  await openApp(page, appPath, 'wasm');
  await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout('wasm') });
  await expect(page.getByTestId('pareto-chart')).toBeVisible();
}

/** Marks every control the user can Tab to (enabled, shown, tabindex ≥ 0) and returns how many. */
const markTabStops = (page: Page) =>
  page.evaluate(() => {
    const candidates = document.querySelectorAll<HTMLElement | SVGElement>(
      'a[href], button, input, select, textarea, summary, [tabindex]',
    );
    let n = 0;
    for (const el of candidates) {
      const disabled = (el as HTMLButtonElement).disabled === true;
      if (disabled || el.tabIndex < 0 || !el.checkVisibility()) continue;
      el.setAttribute('data-tab-stop', String(n++));
    }
    return n;
  });

interface Stop {
  readonly index: number | null;
  readonly name: string;
  readonly outline: string;
  readonly outlineWidth: number;
  readonly top: number;
}

/** The focused element: its mark, a name for messages, its outline and where it sits. */
const focused = (page: Page): Promise<Stop> =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const style = getComputedStyle(el);
    const mark = el.getAttribute('data-tab-stop');
    return {
      index: mark === null ? null : Number(mark),
      name:
        el.getAttribute('data-testid') ??
        el.getAttribute('aria-label') ??
        `${el.tagName.toLowerCase()} “${(el.textContent ?? '').trim().slice(0, 30)}”`,
      outline: style.outlineStyle,
      outlineWidth: Number.parseFloat(style.outlineWidth),
      top: el.getBoundingClientRect().top + window.scrollY,
    };
  });

test(
  'keyboard: every control in reading order with a focus ring; the slider and the heatmap from the keys',
  { tag: '@wasm-only' },
  async ({ page, appPath }) => {
    test.setTimeout(120_000);
    await openClassified(page, appPath);
    const total = await markTabStops(page);
    expect(total).toBeGreaterThan(20);

    // One full round of Tab from the top of the page.
    await page.locator('body').focus();
    const stops: Stop[] = [];
    for (let i = 0; i < total + 3; i++) {
      await page.keyboard.press('Tab');
      const stop = await focused(page);
      if (stop.index === 0 && stops.length > 0) break;
      stops.push(stop);
    }
    const reached = new Set(stops.map((s) => s.index));
    const missed = await page.evaluate(
      (seen) =>
        Array.from(document.querySelectorAll('[data-tab-stop]'))
          .filter((el) => !seen.includes(Number(el.getAttribute('data-tab-stop'))))
          .map((el) => el.getAttribute('data-testid') ?? el.outerHTML.slice(0, 80)),
      [...reached].filter((x) => x !== null),
    );
    expect(missed, 'controls that Tab never reached').toEqual([]);
    for (const s of stops.filter((x) => x.index !== null)) {
      expect(s.outline, `focus ring on ${s.name}`).not.toBe('none');
      expect(s.outlineWidth, `focus ring width on ${s.name}`).toBeGreaterThanOrEqual(2);
    }

    // Reading order: the model picker, the heatmap on the video, the prediction's downloads, the
    // budget, then the heatmap and source controls, the charts, the runtime panel.
    const names = stops.map((s) => s.name);
    const order = [
      'model-select',
      'heatmap-cells',
      'download-clips-csv',
      'budget-slider',
      'heatmap-toggle',
      'sample-select',
      'video-upload',
      'backend-select',
      'weights-select',
      'engine-release',
    ];
    const positions = order.map((n) => names.indexOf(n));
    expect(positions, `Tab order ${names.join(' → ')}`).not.toContain(-1);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // Each chart is one tab stop (recharts' keyboard layer) and comes before the runtime panel.
    const charts = stops.filter((s) => s.name.startsWith('svg'));
    expect(charts.length).toBeGreaterThanOrEqual(3);

    // The budget slider: arrow keys move it one step; the cost and then the runs follow.
    const slider = page.getByTestId('budget-slider');
    const step = Number(await slider.getAttribute('step'));
    const ec0 = Number(await slider.inputValue());
    const gmacs0 = Number(await page.getByTestId('gmacs').getAttribute('data-value'));
    await slider.focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    const ec1 = Math.round((ec0 - 2 * step) * 1000) / 1000;
    await expect(page.getByTestId('ec-value')).toHaveText(ec1.toFixed(2));
    expect(Number(await slider.inputValue())).toBeCloseTo(ec1, 6);
    await expect
      .poll(async () => Number(await page.getByTestId('gmacs').getAttribute('data-value')))
      .toBeLessThan(gmacs0);
    await expect(page.getByTestId('heatmap')).toHaveAttribute('data-ec', String(ec1), {
      timeout: clipTimeout('wasm'),
    });
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('ec-value')).toHaveText((ec1 + step).toFixed(2));

    // The heatmap: focus puts a cursor on the first patch, arrows move it, the readout follows.
    const readout = page.locator('.cell-readout');
    await page.getByTestId('heatmap-cells').focus();
    await expect(readout).toContainText('Patch row 1, column 1:');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await expect(readout).toContainText('Patch row 2, column 2:');
    await page.keyboard.press('End');
    const { grid_height: rows, grid_width: cols } = meta.tokens;
    await expect(readout).toContainText(`Patch row ${rows}, column ${cols}:`);
    await page.screenshot({ path: screenshotPath('keyboard-heatmap-wasm') });
  },
);

test(
  'screen readers: the prediction said on change, an assertive error region, text alternatives',
  { tag: '@wasm-only' },
  async ({ page, appPath }) => {
    test.setTimeout(120_000);
    await openClassified(page, appPath);

    // Errors: an assertive alert, in the accessibility tree before its first message.
    const errors = page.getByTestId('error');
    await expect(errors).toHaveAttribute('role', 'alert');
    await expect(errors).toHaveAttribute('aria-live', 'assertive');
    await expect(page.getByRole('alert')).toHaveCount(1);

    // Text alternatives: the heatmap says its step and counts; each chart has a title and a
    // summary with numbers in it (the sweep's appears once it has run).
    await expect(page.getByTestId('heatmap-cells')).toHaveAttribute(
      'aria-label',
      /^Routing of time step \d+: tokens per expert \d+, \d+, \d+, \d+/,
    );
    for (const chart of ['latency-chart', 'probability-chart', 'pareto-chart']) {
      const svg = page.getByTestId(chart).locator('.recharts-wrapper > svg');
      await expect(svg.locator('> title')).not.toBeEmpty();
      await expect(svg.locator('> desc')).toHaveText(/\d/);
    }

    // The live region says the shown top-1 and its confidence.
    const region = page.getByTestId('prediction-announcement');
    await expect(region).toHaveAttribute('aria-live', 'polite');
    const label = await top1Of(page);
    await expect(region).toHaveText(
      new RegExp(`^Prediction: ${prettyLabel(label!)}, \\d+% confidence$`),
    );

    // …and stays quiet while it holds: count what it says over the next clips.
    await page.evaluate(() => {
      const el = document.querySelector('[data-testid="prediction-announcement"]')!;
      const said: string[] = [];
      (window as unknown as { __said: string[] }).__said = said;
      new MutationObserver(() => said.push(el.textContent ?? '')).observe(el, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    const runs0 = await runsOf(page);
    const t0 = Date.now();
    await waitForMoreRuns(page, 12, 60_000);
    const elapsed = Date.now() - t0;
    const runs = (await runsOf(page)) - runs0;
    const said = await page.evaluate(() => (window as unknown as { __said: string[] }).__said);
    console.log(`[a11y] ${said.length} announcements over ${runs} clips in ${elapsed} ms`);
    expect(said.length).toBeLessThanOrEqual(Math.floor(elapsed / ANNOUNCE_RULE.minIntervalMs) + 1);
    expect(said.length).toBeLessThan(runs / 2);

    // Another class: the region says the new top-1.
    const other = samples.find((s) => s.label !== label)!;
    await page.getByTestId('sample-select').selectOption(other.file);
    await expect
      .poll(
        async () => {
          const shown = await top1Of(page);
          const text = (await region.textContent()) ?? '';
          return (
            shown !== label &&
            shown !== null &&
            text.startsWith(`Prediction: ${prettyLabel(shown)},`)
          );
        },
        { timeout: 30_000, message: 'the announcement follows the new top-1' },
      )
      .toBe(true);
  },
);

/** WCAG contrast of the charts' SVG text (axis ticks, legends) against the chart's panel. */
const chartTextContrast = (page: Page) =>
  page.evaluate(() => {
    const out: { text: string; colour: string; background: string }[] = [];
    for (const panel of document.querySelectorAll<HTMLElement>('.chart')) {
      const background = getComputedStyle(panel).backgroundColor;
      const ticks = panel.querySelectorAll('.recharts-cartesian-axis-tick-value');
      const legend = panel.querySelectorAll('.recharts-legend-item-text span');
      for (const el of [...ticks].slice(0, 2)) {
        out.push({ text: el.textContent ?? '', colour: getComputedStyle(el).fill, background });
      }
      for (const el of [...legend].slice(0, 2)) {
        out.push({ text: el.textContent ?? '', colour: getComputedStyle(el).color, background });
      }
    }
    return out;
  });

test(
  'themes: light and dark follow the system, no serious or critical axe violation, readable charts',
  { tag: '@wasm-only' },
  async ({ page, appPath }) => {
    test.setTimeout(120_000);
    await openClassified(page, appPath);
    const pageBackground = async () =>
      luminance(
        parseColour(
          await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor),
        )!,
      );
    const tickColours: string[] = [];
    for (const colorScheme of SCHEMES) {
      await page.emulateMedia({ colorScheme });
      // The theme switched: a light page or a dark one.
      const bg = await pageBackground();
      if (colorScheme === 'dark') expect(bg).toBeLessThan(0.05);
      else expect(bg).toBeGreaterThan(0.8);

      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations.filter(
        (v) => v.impact === 'serious' || v.impact === 'critical',
      );
      const report = bad.map(
        (v) =>
          `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      );
      console.log(
        `[a11y] ${colorScheme}: ${results.violations.length} violations (${bad.length} serious or critical), ${results.passes.length} rules passed`,
      );
      expect(report, `axe, ${colorScheme} theme`).toEqual([]);

      const texts = await chartTextContrast(page);
      expect(texts.length).toBeGreaterThanOrEqual(10);
      for (const t of texts) {
        expect(
          contrastRatio(t.colour, t.background),
          `chart text “${t.text}” (${t.colour} on ${t.background}), ${colorScheme}`,
        ).toBeGreaterThanOrEqual(4.5);
      }
      tickColours.push(texts[0]!.colour);
      await page.screenshot({ path: screenshotPath(`theme-${colorScheme}-wasm`), fullPage: true });
    }
    // The charts re-read the theme: their text is not the same colour in both.
    expect(tickColours[0]).not.toBe(tickColours[1]);
  },
);

test.describe('a phone, 390×844', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test(
    'video and prediction first, controls after, nothing wider than the screen',
    { tag: '@wasm-only' },
    async ({ page, appPath }) => {
      test.setTimeout(120_000);
      await openClassified(page, appPath);
      const top = async (selector: string) =>
        (await page.locator(selector).first().boundingBox())?.y ?? Number.NaN;
      const y = {
        stage: await top('.stage-panel'),
        prediction: await top('.predictions'),
        budget: await top('.budget'),
        heatmap: await top('.heatmap-controls'),
        sources: await top('.sources'),
        charts: await top('.charts'),
        runtime: await top('.runtime'),
      };
      const ys = Object.values(y);
      expect(
        [...ys].sort((a, b) => a - b),
        JSON.stringify(y),
      ).toEqual(ys);
      // The prediction is on the first screen.
      expect(y.prediction).toBeLessThan(844);

      for (const colorScheme of SCHEMES) {
        await page.emulateMedia({ colorScheme });
        const { scrollWidth, innerWidth, wide } = await page.evaluate(() => ({
          scrollWidth: document.scrollingElement!.scrollWidth,
          innerWidth: window.innerWidth,
          wide: Array.from(document.querySelectorAll('body *'))
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
            .slice(0, 5)
            .map((el) => `${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''}`),
        }));
        expect(
          scrollWidth,
          `wider than the screen (${colorScheme}): ${wide.join(', ')}`,
        ).toBeLessThanOrEqual(innerWidth);
      }

      await page.emulateMedia({ colorScheme: 'light' });
      await page.evaluate(() => window.scrollTo(0, 0));
      const shot = screenshotPath('narrow-390x844');
      await page.screenshot({ path: shot });
      if (process.env.UPDATE_SCREENSHOTS) {
        copyFileSync(shot, `${ROOT}docs/screenshots/narrow-390x844.png`);
      }
    },
  );
});
