/**
 * The model picker. For every MoNE model of the model index and its dense baseline (a model pair
 * added to public/models/index.json joins by itself): from the default model, switch to the MoNE
 * model, to its baseline and back via the picker, classify one of the model's own samples with
 * each and move the budget on the MoNE model. Throughout: the runtime panel shows exactly one
 * session per model used (never a second one for the same model), the page is never reloaded and
 * the URL carries ?model=. Then the link: ?model= picks a model, an unknown id is named and
 * ignored. WASM only: the backend does not matter here, and the software WebGPU adapter takes
 * ~40 s to warm up each model.
 */
import { posix } from 'node:path';
import type { Page } from '@playwright/test';
import type { ModelMetadata } from '../src/model/metadata';
import {
  checkModelsIndex,
  defaultModel,
  modelById,
  type ModelEntry,
  type ModelsIndex,
} from '../src/model/modelsIndex';
import { countsFor } from '../src/store/budgetMath';
import type { Backend } from './fixtures';
import { expect, test } from './fixtures';
import {
  clipTimeout,
  countsOf,
  openApp,
  readJson,
  readyTimeout,
  screenshot,
  setBudget,
  top1Of,
  waitForMoreRuns,
  type Sample,
} from './helpers';

// Schema-checked by vitest and pytest; the rules across entries are checked here too.
const index = readJson('models/index.json') as ModelsIndex;
checkModelsIndex(index);
const metaOf = (model: ModelEntry) => readJson(`models/${model.id}.json`) as ModelMetadata;
/** The model's samples index is relative to the model index. */
const samplesOf = (model: ModelEntry) =>
  (readJson(posix.join('models', model.samples)) as { samples: Sample[] }).samples;

const sessionsOf = async (page: Page) =>
  JSON.parse(
    (await page.getByTestId('sessions-by-model').getAttribute('data-sessions')) ?? '{}',
  ) as Record<string, number>;

/** Exactly one session for each model used so far, none for any other. */
async function expectOneSessionEach(page: Page, used: ReadonlySet<string>, why: string) {
  const expected = Object.fromEntries([...used].map((id) => [id, 1]));
  await expect.poll(() => sessionsOf(page), { message: why }).toEqual(expected);
  await expect(page.getByTestId('sessions-created')).toHaveText(String(used.size));
}

/** The picker shows `model`, the engine runs it and says so. */
async function expectRunning(page: Page, model: ModelEntry, backend: Backend) {
  await expect(page.getByTestId('model-select')).toHaveValue(model.id);
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: readyTimeout(backend) });
  await expect(page.getByTestId('runtime-model')).toHaveAttribute('data-model', model.id);
  await expect(page.getByTestId('backend')).toHaveText(backend);
}

/** Plays one of the model's own samples and waits for it to be classified with this model. */
async function classify(page: Page, model: ModelEntry, backend: Backend, sample: Sample) {
  const meta = metaOf(model);
  const select = page.getByTestId('sample-select');
  expect(await select.locator('option').allTextContents()).toEqual(
    samplesOf(model).map((s) => s.label),
  );
  await select.selectOption(sample.file);
  await page.getByTestId('sample-play').click();
  await expect(page.getByTestId('source-label')).toContainText(sample.label.replace(/_/g, ' '));
  await waitForMoreRuns(page, 3, 6 * clipTimeout(backend));
  await expect(page.getByTestId('top1')).toBeVisible();
  expect(meta.labels).toContain(await top1Of(page));
  await expect(page.getByTestId('heatmap').locator('rect')).toHaveCount(meta.tokens.per_step);
  const ec = Number(await page.getByTestId('heatmap').getAttribute('data-ec'));
  expect(await countsOf(page)).toEqual(countsFor(meta, ec));
}

/** On a MoNE model: a new e_c reaches the next clips (same session). */
async function moveBudget(page: Page, model: ModelEntry, backend: Backend) {
  const slider = page.getByTestId('budget-slider');
  const ec = Number(await slider.inputValue()) === 0.3 ? 0.7 : 0.3;
  await setBudget(page, metaOf(model), ec, backend);
}

for (const mone of index.models.filter((m) => m.kind === 'mone' && m.baseline !== undefined)) {
  const baseline = modelById(index, mone.baseline!)!;

  test(
    `picker: ${mone.id} ⇄ ${baseline.id}, one session per model, no reload`,
    { tag: '@wasm-only' },
    async ({ page, appPath, backend }) => {
      test.setTimeout(4 * readyTimeout(backend) + 40 * clipTimeout(backend));
      await openApp(page, appPath, backend);
      const first = defaultModel(index, backend);
      const picker = page.getByTestId('model-select');
      await expectRunning(page, first.model, backend);
      await expect(page.getByTestId('model-reason')).toHaveText(first.reason);
      await expect(picker).toHaveAccessibleName('Model');
      const values = await picker
        .locator('option')
        .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
      expect(values.toSorted()).toEqual(index.models.map((m) => m.id).toSorted());
      expect(new URL(page.url()).searchParams.get('model')).toBeNull(); // the default
      const used = new Set([first.model.id]);
      await expectOneSessionEach(page, used, 'the default model');

      // Survives only if the page is never reloaded.
      await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
      const route = first.model.id === mone.id ? [baseline, mone] : [mone, baseline, mone];
      for (const [step, model] of route.entries()) {
        const why = `step ${step + 1}: ${model.id}`;
        await picker.selectOption(model.id); // the keyboard-accessible <select>
        await expectRunning(page, model, backend);
        // Link writes wait until the state is still (URL_WRITE_DELAY_MS); a cached model is ready
        // sooner than that.
        await expect
          .poll(() => new URL(page.url()).searchParams.get('model'), { message: why })
          .toBe(model.id);
        await expect(page.getByTestId('model-reason')).toHaveText('Chosen by you.');
        const samples = samplesOf(model);
        await classify(page, model, backend, samples[(step + 1) % samples.length]!);
        if (model.kind === 'mone') {
          await moveBudget(page, model, backend);
        } else {
          await expect(page.getByTestId('dense-note')).toBeVisible();
          await expect(page.getByTestId('budget-slider')).toHaveCount(0);
        }
        used.add(model.id);
        await expectOneSessionEach(page, used, why);
        await expect(page.getByTestId('camera-mirroring')).toContainText(
          model.camera_mirrored ? 'mirrored before the model' : 'unmirrored',
        );
        if (step === 0) await screenshot(page, `models-${model.id}-${backend}`);
      }
      // Each model was downloaded once; going back took the loaded session.
      await expect(page.getByTestId('model-downloads')).toHaveText(String(used.size));
      expect(
        await page.evaluate(() => (window as { __sameDocument?: boolean }).__sameDocument),
      ).toBe(true);
    },
  );
}

test(
  'link: ?model= picks the model; an unknown id is named and the default runs',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    test.setTimeout(2 * readyTimeout(backend) + 10 * clipTimeout(backend));
    const linked = index.models.find((m) => m.id !== defaultModel(index, backend).model.id)!;
    await openApp(page, `${appPath}&model=${linked.id}`, backend);
    await expectRunning(page, linked, backend);
    await expect(page.getByTestId('model-reason')).toHaveText(
      `Chosen by the link (?model=${linked.id}).`,
    );
    await waitForMoreRuns(page, 2, 6 * clipTimeout(backend));
    expect(metaOf(linked).labels).toContain(await top1Of(page));
    expect(new URL(page.url()).searchParams.get('model')).toBe(linked.id);

    await openApp(page, `${appPath}&model=no-such-model`, backend);
    const fallback = defaultModel(index, backend);
    await expectRunning(page, fallback.model, backend);
    const error = page.getByTestId('error');
    await expect(error).toContainText('Unknown model');
    await expect(error).toContainText('model = "no-such-model" is not in the model index');
    await expect(page.getByTestId('model-reason')).toHaveText(fallback.reason);
    await expect.poll(() => new URL(page.url()).searchParams.get('model')).toBeNull();
  },
);
