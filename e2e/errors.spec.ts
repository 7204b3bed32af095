/**
 * Scenario 7 — errors, each a clear sentence in the page (data-testid="error"), never a blank
 * screen; afterwards a sample still plays and is classified. WASM project only: none of these
 * paths depends on the backend.
 *  - camera denied (the project's browser has a fake camera but the context no permission);
 *  - a corrupt video file (an .mp4 cut in half: its index is gone);
 *  - the model answered with HTTP 404;
 *  - a model whose bytes do not match the metadata's sha256;
 *  - an audio-only file (no video track), which must not take the page down;
 *  - a model download that never answers (stall timeout, shortened with `?stall=2`).
 * The model failures are fatal for the engine: the page offers Retry, which loads again once the
 * network behaves.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Page, Route } from '@playwright/test';
import { expect, test } from './fixtures';
import {
  clipTimeout,
  MODEL_FILE,
  WEIGHT_FILES_GLOB,
  weightsFileFor,
  logPageProblems,
  makeAudioOnlyFile,
  openApp,
  publicPath,
  readyTimeout,
  samples,
  screenshot,
  skipWithoutAdapter,
  top1Of,
  waitForMoreRuns,
} from './helpers';

test.describe.configure({ timeout: 90_000 });

/** Picks a sample from the picker and waits for it to be classified again. */
async function sampleStillPlays(page: Page): Promise<void> {
  const sample = samples[3]!;
  await page.getByTestId('sample-select').selectOption(sample.file);
  await expect(page.getByTestId('source-label')).toContainText(sample.label.replace(/_/g, ' '));
  await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout('wasm') });
  await waitForMoreRuns(page, 3, 3 * clipTimeout('wasm'));
  expect(await top1Of(page)).not.toBeNull();
}

/** The page is still the app: heading, controls, the error shown — not a blank screen. */
async function expectAppStillThere(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'MoNE Live' })).toBeVisible();
  await expect(page.getByTestId('sample-select')).toBeVisible();
  await expect(page.getByTestId('error')).toBeVisible();
}

test(
  'camera denied: a clear message, then a sample still plays',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    await openApp(page, appPath, backend); // no camera permission in this context
    await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
    await page.getByTestId('camera-start').click();
    const error = page.getByTestId('error');
    await expect(error).toContainText('Camera unavailable');
    await expect(error).toContainText(/Camera access was denied|No camera was found/);
    await expect(error).toContainText('use a sample clip or a video file');
    await expect(page.getByTestId('source-label')).toHaveText('Now: camera (failed)');
    await expect(page.getByTestId('top1')).toBeHidden();
    await expectAppStillThere(page);
    await screenshot(page, 'error-camera-denied-wasm');

    await sampleStillPlays(page);
    await expect(error).toBeEmpty(); // a new source clears the source error
    await expect(page.getByTestId('backend')).toHaveText(backend);
  },
);

test(
  'a corrupt video file: a clear message, then a sample still plays',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }, testInfo) => {
    const whole = readFileSync(publicPath(`samples/${samples[0]!.file}`));
    const corrupt = testInfo.outputPath('corrupt-clip.mp4');
    writeFileSync(corrupt, whole.subarray(0, Math.floor(whole.length / 2)));

    await openApp(page, appPath, backend);
    await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
    await page.getByTestId('video-upload').setInputFiles(corrupt);
    const error = page.getByTestId('error');
    await expect(error).toContainText('Cannot play this video file', { timeout: 15_000 });
    await expect(error).toContainText('"corrupt-clip.mp4"');
    await expect(error).toContainText(/corrupt|could not be opened|did not start playing/);
    await expect(page.getByTestId('source-label')).toHaveText(
      'Now: file “corrupt-clip.mp4” (failed)',
    );
    await expect(page.getByTestId('top1')).toBeHidden();
    await expect(page.getByTestId('status')).toHaveText('Ready'); // the engine is unaffected
    await expectAppStillThere(page);
    await screenshot(page, 'error-corrupt-file-wasm');

    await sampleStillPlays(page);
    await expect(error).toBeEmpty();
    await expect(page.getByTestId('backend')).toHaveText(backend);
  },
);

test(
  'an audio-only file (Opus WebM, AAC MP4): a clear message, then a sample still plays',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    await openApp(page, appPath, backend);
    await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
    const error = page.getByTestId('error');
    for (const container of ['webm', 'mp4'] as const) {
      const file = makeAudioOnlyFile(container);
      const name = basename(file);
      await page.getByTestId('video-upload').setInputFiles(file);
      await expect(error).toContainText('Cannot play this video file', { timeout: 15_000 });
      await expect(error).toContainText(`"${name}" has no video track`);
      await expect(page.getByTestId('source-label')).toHaveText(`Now: file “${name}” (failed)`);
      await expect(page.getByText('stopped working')).toHaveCount(0); // no error boundary
      await expect(page.getByTestId('top1')).toBeHidden();
      await expect(page.getByTestId('status')).toHaveText('Ready');
      await expectAppStillThere(page);
    }
    await screenshot(page, 'error-audio-only-wasm');

    await sampleStillPlays(page);
    await expect(error).toBeEmpty();
    await expect(page.getByTestId('backend')).toHaveText(backend);
  },
);

/**
 * Opens the app (at `path`, default the project's app path) with every request for the model's
 * weights answered by `answer` (on WASM the int8 file fails first and the fp32 file after it:
 * once each), expects the model error, then lets the model through, presses Retry and expects
 * Ready and a classified sample.
 */
async function modelFailureThenRetry(
  page: Page,
  appPath: string,
  answer: (route: Route) => Promise<void>,
  expected: { title: string; detail: RegExp; shot: string; path?: string },
): Promise<void> {
  logPageProblems(page);
  let answered = 0;
  await page.route(WEIGHT_FILES_GLOB, async (route) => {
    answered++;
    await answer(route);
  });
  await page.goto(expected.path ?? appPath);
  await skipWithoutAdapter(page, 'wasm');

  const error = page.getByTestId('error');
  await expect(error).toContainText(expected.title, { timeout: readyTimeout('wasm') });
  await expect(error).toContainText(expected.detail);
  await expect(page.getByTestId('status')).toHaveText(`Error: ${expected.title}`);
  // The backend's file (int8 on WASM), then the fp32 one the worker falls back to.
  expect(answered).toBe(new Set([weightsFileFor('wasm'), MODEL_FILE]).size);
  await expectAppStillThere(page);
  await expect(page.getByTestId('top1')).toBeHidden();
  await expect(page.getByTestId('sample-select').locator('option')).toHaveCount(samples.length);
  await screenshot(page, expected.shot);

  // The network recovers; Retry loads the real model.
  await page.unroute(WEIGHT_FILES_GLOB);
  await error.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByTestId('status')).toContainText('Ready', {
    timeout: readyTimeout('wasm'),
  });
  await expect(error).toBeEmpty(); // the stale model error is gone
  await expect(page.getByTestId('backend')).toHaveText('wasm');
  await expect(page.getByTestId('model-downloads')).toHaveText('1');
  await sampleStillPlays(page);
}

test(
  'a model answered with 404: a clear message, Retry, then a sample plays',
  { tag: '@wasm-only' },
  async ({ page, appPath }) => {
    await modelFailureThenRetry(
      page,
      appPath,
      (route) => route.fulfill({ status: 404, body: 'not found' }),
      {
        title: 'Model not found',
        detail: /HTTP 404/,
        shot: 'error-model-404-wasm',
      },
    );
  },
);

test(
  'a model whose hash does not match: a clear message, Retry, then a sample plays',
  { tag: '@wasm-only' },
  async ({ page, appPath }) => {
    const bytes = readFileSync(publicPath(`models/${MODEL_FILE}`));
    const tampered = Buffer.from(bytes);
    for (let i = 1000; i < tampered.length; i += 100_000) tampered[i] = tampered[i]! ^ 0xff;
    await modelFailureThenRetry(
      page,
      appPath,
      (route) =>
        route.fulfill({
          status: 200,
          body: tampered,
          headers: {
            'Content-Type': 'application/octet-stream',
            'Cross-Origin-Resource-Policy': 'same-origin',
          },
        }),
      { title: 'Model file is corrupt', detail: /sha256/, shot: 'error-model-hash-wasm' },
    );
  },
);

test(
  'a model download that never answers: a stall message after the timeout, Retry, then a sample plays',
  { tag: '@wasm-only' },
  async ({ page, appPath }) => {
    await modelFailureThenRetry(
      page,
      appPath,
      () => new Promise<void>(() => {}), // never fulfilled, aborted or continued
      {
        title: 'Model download stalled',
        detail: /no data for 2 s/,
        shot: 'error-model-stalled-wasm',
        path: `${appPath}&stall=2`, // the stall timeout, shortened from its default
      },
    );
  },
);
