/**
 * Compare mode: the default MoNE model and its dense baseline on the same clips of a bundled
 * sample, in the real worker. Turned on from the keyboard, the panel shows both latencies
 * (positive), the GMACs of each (MoNE's at the budget below 1 from the budget maths, under the
 * dense model's), the top-1 of each and whether they agree, and the running agreement; the
 * runtime panel shows exactly one session per model after several clips, after compare is turned
 * off (runs go on with MoNE alone: the clip log has no baseline for them) and on again, and after
 * switching to the baseline itself (where the toggle is disabled with the reason). Fails if
 * compare runs nothing: no compared clip ever appears. WASM only: the backend does not matter.
 */
import { posix } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { denseGmacs, gmacsForCounts } from '../src/model/macs';
import type { ModelMetadata } from '../src/model/metadata';
import { defaultModel, modelById, type ModelsIndex } from '../src/model/modelsIndex';
import { countsFor } from '../src/store/budgetMath';
import { expect, test } from './fixtures';
import {
  clipTimeout,
  openApp,
  readJson,
  readyTimeout,
  runsOf,
  screenshot,
  waitForMoreRuns,
  type Sample,
} from './helpers';

const index = readJson('models/index.json') as ModelsIndex;
const metaOf = (id: string) => readJson(`models/${id}.json`) as ModelMetadata;

const sessionsOf = async (page: Page) =>
  JSON.parse(
    (await page.getByTestId('sessions-by-model').getAttribute('data-sessions')) ?? '{}',
  ) as Record<string, number>;

const numberAttr = async (page: Page, testId: string, attr: string) =>
  Number(await page.getByTestId(testId).getAttribute(attr));

/** Compared clips the panel summarises (0 while compare shows nothing). */
const comparedClips = async (page: Page) =>
  (await page.getByTestId('compare-agreement').count()) === 0
    ? 0
    : numberAttr(page, 'compare-agreement', 'data-clips');

interface LoggedClip {
  clip: number;
  baseline?: { model: string; top1: { class: string }; agrees: boolean };
  top5: { class: string }[];
}

test(
  'compare: MoNE and its dense baseline on the same clips, one session per model',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    test.setTimeout(2 * readyTimeout(backend) + 60 * clipTimeout(backend));
    await openApp(page, appPath, backend);
    const mone = defaultModel(index, backend).model;
    const dense = modelById(index, mone.baseline!)!;
    const [moneMeta, denseMeta] = [metaOf(mone.id), metaOf(dense.id)];
    const pair = { [mone.id]: 1, [dense.id]: 1 };
    const samples = (readJson(posix.join('models', mone.samples)) as { samples: Sample[] }).samples;
    const sample = samples.find((s) => s.label === 'moving_left') ?? samples[0]!;

    const toggle = page.getByTestId('compare-toggle');
    await expect(toggle).toHaveAccessibleName('Compare mode');
    await expect(toggle).toBeEnabled();
    await expect(toggle).not.toBeChecked();
    await expect(page.getByTestId('compare-reason')).toContainText(`Runs ${dense.name}`);
    await expect(page.getByTestId('compare-table')).toHaveCount(0);

    await page.getByTestId('sample-select').selectOption(sample.file);
    await page.getByTestId('sample-play').click();
    await waitForMoreRuns(page, 2, 6 * clipTimeout(backend));
    await expect(page.getByTestId('sessions-by-model')).toHaveAttribute(
      'data-sessions',
      JSON.stringify({ [mone.id]: 1 }),
    );

    // On, from the keyboard: the first compared run loads the baseline, then every clip runs both.
    await toggle.focus();
    await page.keyboard.press('Space');
    await expect(toggle).toBeChecked();
    await expect
      .poll(() => comparedClips(page), {
        timeout: readyTimeout(backend),
        message: 'compared clips',
      })
      .toBeGreaterThanOrEqual(5);
    await expect(page.getByTestId('compare-table')).toBeVisible();

    const ec = Number(await page.getByTestId('budget-slider').inputValue());
    expect(ec).toBeLessThan(1);
    const moneMs = await numberAttr(page, 'compare-mone-ms', 'data-ms');
    const denseMs = await numberAttr(page, 'compare-dense-ms', 'data-ms');
    expect(moneMs).toBeGreaterThan(0);
    expect(denseMs).toBeGreaterThan(0);
    expect(await numberAttr(page, 'compare-mone-ms-median', 'data-ms')).toBeGreaterThan(0);
    expect(await numberAttr(page, 'compare-dense-ms-median', 'data-ms')).toBeGreaterThan(0);
    const moneGmacs = await numberAttr(page, 'compare-mone-gmacs', 'data-gmacs');
    const denseGmacsShown = await numberAttr(page, 'compare-dense-gmacs', 'data-gmacs');
    expect(moneGmacs).toBeCloseTo(gmacsForCounts(moneMeta, countsFor(moneMeta, ec)), 9);
    expect(denseGmacsShown).toBeCloseTo(denseGmacs(denseMeta), 9);
    expect(moneGmacs).toBeLessThan(denseGmacsShown);
    await expect(page.getByTestId('compare-summary')).toContainText(
      `At e_c = ${ec.toFixed(2)} (medians of`,
    );
    await expect(page.getByTestId('compare-summary')).toContainText(
      `saves ${(denseGmacsShown - moneGmacs).toFixed(3)} GMACs`,
    );

    // This clip's agreement is what the two top-1s say; on this sample both models mostly agree.
    const moneTop = await page.getByTestId('compare-mone-top1').getAttribute('data-label');
    const denseTop = await page.getByTestId('compare-dense-top1').getAttribute('data-label');
    expect(moneMeta.labels).toContain(moneTop);
    expect(denseMeta.labels).toContain(denseTop);
    await expect(page.getByTestId('compare-agree')).toHaveAttribute(
      'data-agree',
      String(moneTop === denseTop),
    );
    // Both from one render.
    const [agreements, clips] = await page
      .getByTestId('compare-agreement')
      .evaluate((el) => [Number(el.dataset.agreements), Number(el.dataset.clips)]);
    console.log(
      `[compare ${backend}] ${sample.label} at e_c = ${ec}: ${agreements}/${clips} agree; ` +
        `last clip MoNE ${moneMs.toFixed(1)} ms ${moneGmacs.toFixed(4)} GMACs (${moneTop}), ` +
        `dense ${denseMs.toFixed(1)} ms ${denseGmacsShown.toFixed(4)} GMACs (${denseTop}); ` +
        (await page.getByTestId('compare-summary').textContent()),
    );
    expect(agreements).toBeGreaterThanOrEqual(Math.ceil(clips / 2));
    await screenshot(page, `compare-${backend}`);
    await expect.poll(() => sessionsOf(page), { message: 'both on' }).toEqual(pair);
    await expect(page.getByTestId('sessions-created')).toHaveText('2');

    // Off: MoNE runs alone; nothing is freed (both models stay loaded).
    await page.keyboard.press('Space');
    await expect(toggle).not.toBeChecked();
    await expect(page.getByTestId('compare-table')).toHaveCount(0);
    const offAt = await runsOf(page);
    await waitForMoreRuns(page, 4, 8 * clipTimeout(backend));
    const onAt = await runsOf(page);
    await expect(page.getByTestId('loaded-models')).toContainText(`${dense.id}, ${mone.id}`);
    expect(await sessionsOf(page)).toEqual(pair);

    // On again: the loaded baseline is reused.
    await page.keyboard.press('Space');
    await expect(toggle).toBeChecked();
    await expect
      .poll(() => comparedClips(page), { timeout: 10 * clipTimeout(backend) })
      .toBeGreaterThanOrEqual(clips + 3);
    expect(await sessionsOf(page)).toEqual(pair);
    await expect(page.getByTestId('sessions-created')).toHaveText('2');
    await expect(page.getByTestId('model-downloads')).toHaveText('2');

    // The clip log: compared clips carry the baseline's run; clips while off do not.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-clips-json').click(),
    ]);
    const log = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
      clips: LoggedClip[];
    };
    const withBaseline = log.clips.filter((c) => c.baseline !== undefined);
    expect(withBaseline.length).toBeGreaterThanOrEqual(clips + 3);
    for (const c of withBaseline) {
      expect(c.baseline!.model).toBe(dense.id);
      expect(c.baseline!.agrees).toBe(c.baseline!.top1.class === c.top5[0]!.class);
    }
    // The run in flight when compare was turned off may still carry the baseline.
    const whileOff = log.clips.filter((c) => c.clip > offAt + 1 && c.clip <= onAt);
    expect(whileOff.length).toBeGreaterThanOrEqual(2);
    expect(whileOff.filter((c) => c.baseline !== undefined)).toEqual([]);

    // The baseline itself: the toggle is disabled with the reason; its session is the same one.
    await page.getByTestId('model-select').selectOption(dense.id);
    await expect(page.getByTestId('runtime-model')).toHaveAttribute('data-model', dense.id);
    await expect(toggle).toBeDisabled();
    await expect(page.getByTestId('compare-reason')).toContainText('is itself a dense model');
    await waitForMoreRuns(page, 2, 6 * clipTimeout(backend));
    expect(await sessionsOf(page)).toEqual(pair);
  },
);
