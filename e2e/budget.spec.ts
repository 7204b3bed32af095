/**
 * Scenarios 4–6 — the compute budget.
 *  4. Moving the slider (keyboard and `fill`) through six levels: for each, the heatmap's
 *     per-expert counts equal the budget math's counts (src/model/budget.ts) and the GMACs
 *     update; the model is never reloaded (one session, one download, the .onnx fetched once in
 *     the whole network log, pages and workers included, the same document).
 *  5. "Explore budgets" on the same page: the sweep chart gets one point per metadata budget level
 *     (WebGPU runs each level once: seconds per run on the software adapter here).
 *  4 and 5 share one page load (on WebGPU a load is ~40 s of warm-up), which also checks what
 *  opening the app shows with no action (a sample classified, heatmap, charts); both projects.
 *  6. Auto budget: with a target latency between the measured latency at e_c = 1 and at the
 *     minimum, e_c moves down from 1 and the measured latency gets closer to the target. WASM only
 *     (on the software WebGPU adapter every run takes seconds).
 */
import type { CDPSession, Page } from '@playwright/test';
import { median } from '../src/model/latencyStats';
import { gmacsForCounts } from '../src/model/macs';
import { DEFAULT_DEAD_BAND } from '../src/store/autoBudget';
import { countsFor } from '../src/store/budgetMath';
import { expect, test } from './fixtures';
import {
  clipTimeout,
  countsOf,
  isModelUrl,
  logRequests,
  meta,
  openApp,
  readyTimeout,
  runLog,
  screenshot,
  startRunLog,
  waitForMoreRuns,
  type RunRecord,
} from './helpers';

const ecText = (ec: number) => ec.toFixed(2);

test('budget without reload: six slider levels, then explore budgets; the model is loaded once', async ({
  page,
  appPath,
  backend,
}) => {
  test.setTimeout(
    readyTimeout(backend) + (6 * 2 + meta.budget.levels.length) * clipTimeout(backend) + 30_000,
  );
  const requests = logRequests(page.context());
  await openApp(page, appPath, backend);

  // Opening plays a sample and classifies it with no action: prediction, heatmap, charts.
  await expect(page.getByTestId('source-label')).toContainText('sample');
  await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
  expect(meta.labels).toContain(await page.getByTestId('top1').getAttribute('data-label'));
  expect(Number(await page.getByTestId('budget-slider').inputValue())).toBe(meta.budget.default_ec);
  await expect.poll(() => countsOf(page)).toEqual(countsFor(meta, meta.budget.default_ec));
  await expect(page.getByTestId('heatmap').locator('rect')).toHaveCount(meta.tokens.per_step);
  for (const chart of ['latency-chart', 'probability-chart', 'pareto-chart', 'sweep-chart']) {
    await expect(page.getByTestId(chart)).toBeVisible();
  }
  await screenshot(page, `app-ready-${backend}`);

  // Survives only if the page is never reloaded.
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }));

  const slider = page.getByTestId('budget-slider');
  const gmacs = page.getByTestId('gmacs');
  const { min_ec, max_ec } = meta.budget;
  const steps: { how: string; ec: number; act: () => Promise<void> }[] = [
    { how: 'Home key', ec: min_ec, act: () => slider.press('Home') },
    { how: 'ArrowRight key', ec: min_ec + 0.05, act: () => slider.press('ArrowRight') },
    { how: 'fill 0.4', ec: 0.4, act: () => slider.fill('0.4') },
    { how: 'fill 0.7', ec: 0.7, act: () => slider.fill('0.7') },
    { how: 'End key', ec: max_ec, act: () => slider.press('End') },
    { how: 'ArrowLeft key', ec: max_ec - 0.05, act: () => slider.press('ArrowLeft') },
  ];
  await slider.focus();
  const shownGmacs: string[] = [];
  for (const { how, ec, act } of steps) {
    await act();
    const counts = countsFor(meta, ec);
    await expect(page.getByTestId('ec-value'), how).toHaveText(ecText(ec));
    expect(Number(await slider.inputValue()), how).toBeCloseTo(ec, 9);
    // The cost readout follows the slider at once (before any run).
    await expect
      .poll(async () => Number(await gmacs.getAttribute('data-value')), { message: how })
      .toBeCloseTo(gmacsForCounts(meta, counts), 9);
    await expect(slider).toHaveAttribute('aria-valuetext', /% compute, [\d.]+ GMACs/);
    const text = (await gmacs.textContent()) ?? '';
    expect(shownGmacs, `${how}: the GMACs text changed`).not.toContain(text);
    shownGmacs.push(text);
    // The next clip runs with the new budget: the heatmap shows the budget rule's counts.
    await expect
      .poll(() => countsOf(page), { timeout: 2 * clipTimeout(backend), message: how })
      .toEqual(counts);
    await expect(page.getByTestId('heatmap')).toHaveAttribute('data-ec', String(ec));
    // The stacked bar under the slider shows the same tokens per expert.
    await expect(page.getByTestId('counts-bar')).toHaveAttribute(
      'data-counts',
      JSON.stringify(counts),
    );
    if (ec === min_ec) await screenshot(page, `budget-min-${backend}`);
  }
  await screenshot(page, `budget-${ecText(max_ec - 0.05)}-${backend}`);
  expect(page.url()).toContain(`ec=${max_ec - 0.05}`); // the shareable link follows
  console.log(`[budget ${backend}] GMACs shown: ${shownGmacs.join(' → ')}`);

  // 5. Explore budgets, on the same page.
  const chart = page.getByTestId('sweep-chart');
  await expect(chart).toHaveAttribute('data-points', '0');

  const button = page.getByTestId('explore-budgets');
  await expect(button).toBeEnabled();
  await button.click();
  await expect(chart).toHaveAttribute('data-status', /running|done/);
  await expect(chart).toHaveAttribute('data-status', 'done', {
    timeout: meta.budget.levels.length * clipTimeout(backend),
  });
  await expect(chart).toHaveAttribute('data-points', String(meta.budget.levels.length));

  // The data table under the chart: one row per level, GMACs rising with e_c.
  await chart.locator('summary').click();
  const rows = chart.locator('tbody tr');
  await expect(rows).toHaveCount(meta.budget.levels.length);
  const table = await rows.evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')),
  );
  expect(table.map((r) => Number(r[0]))).toEqual(meta.budget.levels);
  const tableGmacs = table.map((r) => Number(r[1]));
  expect(tableGmacs).toEqual([...tableGmacs].sort((a, b) => a - b));
  for (const r of table) expect(Number(r[2]), `median ms at e_c=${r[0]}`).toBeGreaterThan(0);
  await expect(chart.locator('svg .recharts-line').first()).toBeVisible();
  console.log(
    `[sweep ${backend}] e_c → median ms: ${table.map((r) => `${r[0]}:${r[2]}`).join(' ')}`,
  );
  await screenshot(page, `sweep-${backend}`);

  // Never reloaded: one session, one download, one fetch of the .onnx, the same document.
  await expect(page.getByTestId('sessions-created')).toHaveText('1');
  await expect(page.getByTestId('model-downloads')).toHaveText('1');
  const modelFetches = requests.filter(isModelUrl);
  expect(modelFetches, 'the model file is fetched exactly once').toHaveLength(1);
  expect(await page.evaluate(() => '__sameDocument' in window)).toBe(true);
  await expect(page.getByTestId('status')).toHaveText('Ready');
  await expect(page.getByTestId('backend')).toHaveText(backend);
});

/** Model-run latencies of the next `n` clips that ran at `ec` (recorded in the page). */
async function latenciesAt(page: Page, ec: number, n: number): Promise<number[]> {
  const from = (await runLog(page)).length;
  let at: RunRecord[] = [];
  await expect
    .poll(
      async () => {
        at = (await runLog(page)).slice(from).filter((r) => Math.abs(r.ec - ec) < 1e-9);
        return at.length;
      },
      { timeout: n * 2_000, intervals: [250], message: `${n} clips at e_c=${ec}` },
    )
    .toBeGreaterThanOrEqual(n);
  return at.map((r) => r.ms);
}

test(
  'auto budget: e_c moves and the measured latency approaches the target',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    test.setTimeout(180_000);
    // fp32 weights: the controller is what is tested, and it needs a latency range wider than its
    // dead band. The int8 weights WASM runs by default shrink the matmuls, the part the budget
    // changes: e_c = 0.15 vs 1 measured 18.9 vs 23.0 ms (1.22×) in one CI run, below the 1.3×
    // this test needs to place a target; fp32 gives 1.4–1.8×.
    await openApp(page, `${appPath}&weights=fp32`, backend);
    await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
    await startRunLog(page);
    const slider = page.getByTestId('budget-slider');
    const ecValue = page.getByTestId('ec-value');
    const { min_ec, max_ec } = meta.budget;

    // WASM code keeps getting faster over the first seconds of runs (V8 tiers hot functions up),
    // so the ends are measured only after ~40 clips of warm-up at both ends of the range.
    for (const ec of [min_ec, max_ec]) {
      await slider.fill(String(ec));
      await latenciesAt(page, ec, 20);
    }
    // Measured latency at both ends of the range: medians over alternating blocks, so a slow
    // spell of the machine does not land on one end only. A machine busy with other work squeezes
    // the range (everything waits for the cores: 31 vs 38 ms in one CI run, 17 vs 25 ms quiet), so
    // the ends are measured up to three times before the range is declared too narrow.
    const measureEnds = async () => {
      const ends = { [min_ec]: [] as number[], [max_ec]: [] as number[] };
      for (const ec of [min_ec, max_ec, min_ec, max_ec, min_ec, max_ec]) {
        await slider.fill(String(ec));
        ends[ec]!.push(...(await latenciesAt(page, ec, 12)));
      }
      return { atMin: median(ends[min_ec]!), atMax: median(ends[max_ec]!) };
    };
    let { atMin, atMax } = await measureEnds();
    for (let attempt = 2; attempt <= 3 && atMax <= atMin * 1.3; attempt++) {
      console.log(`[auto] range too narrow (${atMin.toFixed(1)} / ${atMax.toFixed(1)} ms): again`);
      ({ atMin, atMax } = await measureEnds());
    }
    console.log(
      `[auto] median model run: ${atMin.toFixed(1)} ms at e_c=${min_ec}, ${atMax.toFixed(1)} ms at e_c=${max_ec}`,
    );
    expect(atMax, 'the full budget must be measurably slower than the minimum').toBeGreaterThan(
      atMin * 1.3,
    );
    // Between the two, nearer the minimum: far enough below e_c = 1 that the controller's dead
    // band (±10% of the target) cannot hide it.
    const target = Math.round(atMin + 0.4 * (atMax - atMin));

    // Start at e_c = 1 (above the target), set the target, switch auto on.
    await expect(ecValue).toHaveText(ecText(max_ec));
    await page.getByTestId('target-latency').fill(String(target));
    const startLog = (await runLog(page)).length;
    await page.getByTestId('auto-budget-toggle').check();
    await expect(page.locator('.budget .pill')).toHaveText('auto');

    // Direction: e_c moves down from 1 (visible on the slider).
    await expect
      .poll(async () => Number(await ecValue.textContent()), { timeout: 20_000 })
      .toBeLessThan(max_ec);
    // Let the controller work for ~60 clips, then compare the latency the page measures now
    // (median of the last 20 clips, whatever e_c they ran at) with the start.
    await waitForMoreRuns(page, 60, 40_000);
    const log = (await runLog(page)).slice(startLog);
    const end = median(log.slice(-20).map((r) => r.ms));
    const finalEc = Number(await ecValue.textContent());
    const trajectory = log
      .map((r) => r.sliderEc)
      .filter((ec, i, all) => i === 0 || ec !== all[i - 1])
      .join(' → ');
    console.log(
      `[auto] target ${target} ms: e_c ${trajectory}; median latency ${atMax.toFixed(1)} ms at e_c=1 → ${end.toFixed(1)} ms over the last 20 clips`,
    );
    await screenshot(page, `auto-budget-${backend}`);
    expect(finalEc).toBeGreaterThanOrEqual(min_ec);
    await expect(page.getByTestId('auto-budget-toggle')).toBeChecked();

    // The machine is shared: its speed can change during the minute the controller runs (it has,
    // in CI: every clip got slower, so even e_c = 0.15 ran above the target). So e_c = 1 is
    // measured again right after, on the machine as it is now, and the latency reached must be
    // closer to the target than e_c = 1 is on at least one of the two measurements. (A controller
    // that does not move also fails the e_c check above.)
    await page.getByTestId('auto-budget-toggle').uncheck();
    await slider.fill(String(max_ec));
    const atMaxAfter = median(await latenciesAt(page, max_ec, 12));
    console.log(`[auto] e_c=1 measured again after the controller: ${atMaxAfter.toFixed(1)} ms`);
    // The controller must end below e_c = 1 while e_c = 1 is still slower than the target and its
    // dead band. When the machine has sped up so much that e_c = 1 now meets the target (one CI run:
    // 44.9 ms at e_c = 1 during the range measurement, then 23.7 ms medians against a 33 ms target),
    // climbing back to e_c = 1 is the right answer; the poll above has already shown it move down.
    if (atMaxAfter > target * (1 + DEFAULT_DEAD_BAND)) expect(finalEc).toBeLessThan(max_ec);
    expect(Math.abs(end - target), 'distance to the target shrank').toBeLessThan(
      Math.max(Math.abs(atMax - target), Math.abs(atMaxAfter - target)),
    );
    await expect(page.getByTestId('backend')).toHaveText(backend);
  },
);

declare global {
  interface Window {
    __longTasks?: number[];
  }
}

/** The page's main-thread task time (wall) and CPU time so far, in ms (CDP Performance). */
async function mainThreadMs(cdp: CDPSession): Promise<{ task: number; cpu: number }> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const ms = (name: string) => 1000 * (metrics.find((m) => m.name === name)?.value ?? Number.NaN);
  return { task: ms('TaskDuration'), cpu: ms('ThreadTime') };
}

/** Slider steps: +1 one grid step up (stepUp), -1 one down. */
type Steps = readonly (1 | -1)[];

/**
 * A drag of the slider, one grid step and one input event every `everyMs` (a pointer drag at
 * 60 Hz), dispatched in the page so no test-runner work lands on its main thread meanwhile.
 * stepUp/stepDown move the value the way the browser does (React sees the change).
 */
async function dragSlider(page: Page, steps: Steps, everyMs: number): Promise<void> {
  await page.getByTestId('budget-slider').evaluate(
    async (input: HTMLInputElement, { steps, everyMs }) => {
      for (const step of steps) {
        if (step > 0) input.stepUp();
        else input.stepDown();
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    },
    { steps, everyMs },
  );
}

/**
 * Main-thread cost of one slider drag: task time and CPU time above the same time left alone
 * (CPU time is what the slider costs; task time also counts waiting for a core on a busy
 * machine), and the long tasks meanwhile.
 */
async function measureDrag(page: Page, cdp: CDPSession, steps: Steps) {
  await page.evaluate(() => {
    const durations: number[] = [];
    window.__longTasks = durations;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) durations.push(entry.duration);
    }).observe({ type: 'longtask' });
  });
  const startedAt = Date.now();
  const before = await mainThreadMs(cdp);
  await dragSlider(page, steps, 16);
  await page.waitForTimeout(300); // deferred work (the chart marker, the link) lands
  const ms = Date.now() - startedAt;
  const after = await mainThreadMs(cdp);
  const longTasks = await page.evaluate(() => window.__longTasks ?? []);
  await page.waitForTimeout(ms);
  const alone = await mainThreadMs(cdp);
  const extra = (key: 'task' | 'cpu') =>
    (after[key] - before[key] - (alone[key] - after[key])) / steps.length;
  return { ms, taskPerEvent: extra('task'), cpuPerEvent: extra('cpu'), longTasks };
}

const describeDrag = (d: Awaited<ReturnType<typeof measureDrag>>, events: number) =>
  `${events} input events in ${d.ms} ms; per event ~${d.cpuPerEvent.toFixed(1)} ms main-thread ` +
  `CPU, ~${d.taskPerEvent.toFixed(1)} ms task time; long tasks ${d.longTasks.length}, max ` +
  `${Math.max(0, ...d.longTasks).toFixed(0)} ms [${d.longTasks.map((t) => t.toFixed(0)).join(', ')}]`;

test(
  'dragging the budget slider: 20 steps cost little main-thread time (long tasks measured)',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    test.setTimeout(readyTimeout(backend) + 60_000);
    await openApp(page, appPath, backend);
    // The steady state a user drags in: a sample classified ~10 times a second, charts drawn.
    await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
    await expect(page.getByTestId('pareto-chart')).toBeVisible();
    const slider = page.getByTestId('budget-slider');
    await slider.fill(String(meta.budget.min_ec));
    await waitForMoreRuns(page, 5, 5 * clipTimeout(backend));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');

    // 17 steps up and 3 back: 20 slider values, the video playing, then paused.
    const steps: Steps = [...Array<1>(17).fill(1), -1, -1, -1];
    const playing = await measureDrag(page, cdp, steps);
    await expect(page.getByTestId('ec-value')).toHaveText(ecText(0.85));
    await expect.poll(() => page.url()).toContain('ec=0.85'); // the link follows the drag

    // The slider's own cost: no results streaming meanwhile.
    await page.getByTestId('video').evaluate((video: HTMLVideoElement) => video.pause());
    await slider.fill(String(meta.budget.min_ec));
    await page.waitForTimeout(1000);
    const paused = await measureDrag(page, cdp, steps);
    await expect(page.getByTestId('ec-value')).toHaveText(ecText(0.85));
    console.log(`[slider drag, video playing] ${describeDrag(playing, steps.length)}`);
    console.log(`[slider drag, video paused] ${describeDrag(paused, steps.length)}`);
  },
);

test(
  'link parameters: a tiny e_c is clamped with a message naming it, unknown ones are listed',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    await openApp(page, `${appPath}&ec=1e-400&colour=red`, backend);
    const { min_ec, max_ec } = meta.budget;
    await expect(page.getByTestId('ec-value')).toHaveText(ecText(min_ec));
    const error = page.getByTestId('error');
    await expect(error).toContainText(
      `ec=1e-400 is outside the range this model supports [${min_ec}, ${max_ec}]; using ${min_ec}.`,
    );
    await expect(error).not.toContainText('e_c = 0');
    await expect(error).toContainText('Unknown link parameter ignored: colour=red.');
    await expect(page.getByTestId('status')).toHaveText('Ready');
    await screenshot(page, 'link-parameters-wasm');
  },
);
