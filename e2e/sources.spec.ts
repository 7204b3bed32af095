/**
 * Scenarios 2–3 — the other video sources (WASM project only: the source path is the same for
 * both backends, and the WebGPU project's time goes to inference).
 *  2. Webcam: Chromium's fake camera, fed a .y4m made at test time from two sample clips
 *     (a separate browser launched with --use-file-for-fake-video-capture), streams predictions
 *     and heatmap updates; stop and start work.
 *  3. Upload: a sample .mp4 set on the file input is classified; so is one dropped on the video
 *     (a DataTransfer dispatched on the drop zone). Of several files dropped at once the first
 *     video plays; a file shorter than one model clip (0.2 s, made with ffmpeg at test time) is
 *     classified, its clip running on across the loop point.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
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
  makeShortClip,
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

interface DroppedFile {
  readonly name: string;
  /** MIME type the browser gives the File ('' when it does not know). */
  readonly type: string;
  readonly base64: string;
}

const sampleFile = (sample: (typeof samples)[number], name = sample.file): DroppedFile => ({
  name,
  type: 'video/mp4',
  base64: readFileSync(publicPath(`samples/${sample.file}`)).toString('base64'),
});

/** Drags `files` (one DataTransfer, in this order) over the stage and drops them. */
async function dropFiles(page: Page, files: readonly DroppedFile[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const { name, type, base64 } of list) {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([data], name, { type }));
    }
    return dt;
  }, files);
  const zone = page.getByTestId('drop-zone');
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await expect(zone).toContainText('Drop to classify this video');
  await zone.dispatchEvent('drop', { dataTransfer });
}

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
      const context = await browser.newContext({
        baseURL,
        permissions: ['camera'],
        serviceWorkers: 'block',
      });
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
    await dropFiles(page, [sampleFile(dropped, `dropped-${dropped.file}`)]);
    await expect(page.getByTestId('source-label')).toContainText(`file “dropped-${dropped.file}”`);
    await expectClassifying(page, 5);
    console.log(`[drop] ${dropped.file} (${dropped.label}) → top-1 ${await top1Of(page)}`);
    await screenshot(page, 'upload-dropped-wasm');
    await expect(page.getByTestId('error')).toBeEmpty();
    await expect(page.getByTestId('backend')).toHaveText(backend);
  },
);

test(
  'several files dropped at once: the first video among them plays',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    await openApp(page, appPath, backend);
    await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
    const video = samples[4]!;
    const notes: DroppedFile = {
      name: 'notes.txt',
      type: 'text/plain',
      base64: Buffer.from('not a video').toString('base64'),
    };
    await dropFiles(page, [notes, sampleFile(video, `second-${video.file}`)]);
    await expect(page.getByTestId('source-label')).toContainText(`file “second-${video.file}”`);
    await expectClassifying(page, 3);
    await expect(page.getByTestId('error')).toBeEmpty();

    // No video among them: the unsupported-file message names the first file.
    const image: DroppedFile = { name: 'photo.png', type: 'image/png', base64: notes.base64 };
    await dropFiles(page, [notes, image]);
    await expect(page.getByTestId('error')).toContainText('"notes.txt" is not a video file');
    await expect(page.getByTestId('source-label')).toHaveText('Now: file “notes.txt” (failed)');
  },
);

test(
  'a clip shorter than one model clip (0.2 s) is classified: the clip runs across loops',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    const sample = samples[1]!; // moving_left
    const short = makeShortClip(sample.file, 0.2);
    expect(meta.video.frames / meta.video.fps).toBeGreaterThan(0.2);
    await openApp(page, appPath, backend);
    await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
    await page.getByTestId('video-upload').setInputFiles(short);
    await expect(page.getByTestId('source-label')).toHaveText(`Now: file “${basename(short)}”`);
    // Eight model frames at 10 fps need four loops of a 0.2 s file.
    await expectClassifying(page, 5);
    console.log(`[short clip] ${basename(short)} (${sample.label}) → top-1 ${await top1Of(page)}`);
    await expect(page.getByTestId('error')).toBeEmpty();
    await expect(page.getByTestId('status')).toHaveText('Ready');
  },
);
