/**
 * Scenarios 2–3 — the other video sources (WASM project only: the source path is the same for
 * both backends, and the WebGPU project's time goes to inference).
 *  2. Webcam: Chromium's fake camera, fed a .y4m made at test time from two sample clips
 *     (a separate browser launched with --use-file-for-fake-video-capture), streams predictions
 *     and heatmap updates; stop and start work.
 *  3. Upload: a sample .mp4 set on the file input is classified; so is one dropped on the video
 *     (a DataTransfer dispatched on the drop zone).
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { countsFor } from '../src/store/budgetMath';
import { expect, test } from './fixtures';
import {
  clipTimeout,
  countsOf,
  heatmapFills,
  launchOptionsWith,
  logPageProblems,
  makeCameraY4m,
  meta,
  openApp,
  publicPath,
  readyTimeout,
  runsOf,
  samples,
  screenshot,
  top1Of,
  waitForMoreRuns,
} from './helpers';

/** Classified clips from the current source: top-1 shown, counter moving, heatmap at the budget. */
async function expectClassifying(page: Page, clips: number): Promise<void> {
  await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout('wasm') });
  await waitForMoreRuns(page, clips, clips * clipTimeout('wasm'));
  expect(meta.labels).toContain(await top1Of(page));
  await expect.poll(() => countsOf(page)).toEqual(countsFor(meta, meta.budget.default_ec));
}

test(
  'webcam: a fake camera fed sample clips streams predictions and heatmap updates; stop/start',
  { tag: '@wasm-only' },
  async ({ playwright, backend, baseURL, appPath }, testInfo) => {
    test.setTimeout(120_000);
    const clips = [samples[1]!.file, samples[7]!.file]; // moving_left, then rotating_clockwise
    const y4m = makeCameraY4m(clips);
    const browser = await playwright.chromium.launch(
      launchOptionsWith(testInfo, [
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${y4m}`,
      ]),
    );
    try {
      const context = await browser.newContext({ baseURL, permissions: ['camera'] });
      const page = await context.newPage();
      logPageProblems(page);
      await openApp(page, appPath, backend);

      await page.getByTestId('camera-start').click();
      await expect(page.getByTestId('source-label')).toHaveText('Now: camera');
      await expect(page.getByTestId('camera-stop')).toBeVisible();
      // The picker lists the fake device once permission exists.
      await expect(page.getByTestId('camera-select').locator('option')).toHaveCount(2);
      await expectClassifying(page, 5);

      // The heatmap follows the moving picture: its cells change from clip to clip.
      const patterns = new Set<string>();
      const until = Date.now() + 15_000;
      while (patterns.size < 3 && Date.now() < until) {
        patterns.add(await heatmapFills(page));
        await page.waitForTimeout(300);
      }
      expect(patterns.size, 'distinct heatmap colourings seen').toBeGreaterThanOrEqual(3);
      await screenshot(page, 'webcam-wasm');

      // Stop: the prediction is cleared and nothing more is classified.
      await page.getByTestId('camera-stop').click();
      await expect(page.getByTestId('source-label')).toHaveText('Now: nothing playing');
      await expect(page.getByTestId('top1')).toBeHidden();
      const stoppedAt = await runsOf(page);
      await page.waitForTimeout(1500);
      expect(await runsOf(page)).toBe(stoppedAt);
      await screenshot(page, 'webcam-stopped-wasm');

      // Start again: predictions stream again.
      await page.getByTestId('camera-start').click();
      await expect(page.getByTestId('source-label')).toHaveText('Now: camera');
      await expectClassifying(page, 5);
      await expect(page.getByTestId('error')).toBeEmpty();
      await expect(page.getByTestId('backend')).toHaveText(backend);
      await context.close();
    } finally {
      await browser.close();
    }
  },
);

test(
  'upload: a video file from the picker, then one dropped on the video, are classified',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    test.setTimeout(readyTimeout(backend) + 60_000);
    await openApp(page, appPath, backend);
    await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });

    // The file picker.
    const picked = samples[2]!; // moving_right
    await page.getByTestId('video-upload').setInputFiles(publicPath(`samples/${picked.file}`));
    await expect(page.getByTestId('source-label')).toContainText(`file “${picked.file}”`);
    await expect(page.getByTestId('top1')).toBeHidden(); // the sample's prediction is gone
    await expectClassifying(page, 5);
    await expect(page.getByTestId('source-label')).toHaveText(`Now: file “${picked.file}”`);
    console.log(`[upload] ${picked.file} (${picked.label}) → top-1 ${await top1Of(page)}`);
    await screenshot(page, 'upload-picker-wasm');

    // Drag and drop: a File in a DataTransfer, dropped on the stage.
    const dropped = samples[5]!; // approaching
    const bytes = readFileSync(publicPath(`samples/${dropped.file}`)).toString('base64');
    const dataTransfer = await page.evaluateHandle(
      ({ name, b64 }) => {
        const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([data], name, { type: 'video/mp4' }));
        return dt;
      },
      { name: `dropped-${dropped.file}`, b64: bytes },
    );
    const zone = page.getByTestId('drop-zone');
    await zone.dispatchEvent('dragenter', { dataTransfer });
    await zone.dispatchEvent('dragover', { dataTransfer });
    await expect(zone).toContainText('Drop to classify this video');
    await zone.dispatchEvent('drop', { dataTransfer });
    await expect(page.getByTestId('source-label')).toContainText(`file “dropped-${dropped.file}”`);
    await expectClassifying(page, 5);
    console.log(`[drop] ${dropped.file} (${dropped.label}) → top-1 ${await top1Of(page)}`);
    await screenshot(page, 'upload-dropped-wasm');
    await expect(page.getByTestId('error')).toBeEmpty();
    await expect(page.getByTestId('backend')).toHaveText(backend);
  },
);
