/**
 * Results people can keep: on a sample at e_c = 0.35 (from the link), a few clips are classified
 * and the video paused; then
 *  - the clip log as CSV (mouse) and JSON (keyboard): one record per clip the page counts, the
 *    documented columns, e_c and tokens per expert of the budget set, GMACs of those counts,
 *    latencies, a top 5 of the model's classes;
 *  - the frame with its heatmap and legend as PNG: decodes in the browser, 4x the model input
 *    plus the legend band, the first expert's swatch in its colour;
 *  - the sweep: disabled with a reason until "Explore budgets" ran, then CSV (one record per
 *    budget level) and PNG (decodes, the documented size).
 * Every file is a blob: URL made in the page, named mone-live_<model>_<YYYYMMDD-HHMMSS>_<what>.
 * Backend-independent: @wasm-only.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Download, Page } from '@playwright/test';
import { gmacsForCounts } from '../src/model/macs';
import { countsFor } from '../src/store/budgetMath';
import {
  clipLogHeader,
  FRAME_LEGEND_LINE,
  FRAME_LEGEND_PAD,
  framePngLayout,
  parseCsv,
  SWEEP_CSV_HEADER,
  SWEEP_PNG,
} from '../src/store/exports';
import { expertColour } from '../src/store/selectors';
import { expect, test } from './fixtures';
import { clipTimeout, meta, openApp, runsOf, screenshot, waitForRuns } from './helpers';

const EC = 0.35;
const CLIPS = 4;
const E = meta.experts.count;

async function save(page: Page, act: () => Promise<void>, what: string, ext: string) {
  const [download] = await Promise.all([page.waitForEvent('download'), act()]);
  expect(download.url()).toMatch(/^blob:/); // made in the page, no request
  expect(download.suggestedFilename()).toMatch(
    new RegExp(`^mone-live_${meta.name}_\\d{8}-\\d{6}_${what}\\.${ext}$`),
  );
  const bytes = readFileSync(await pathOf(download));
  // Kept for a look (e2e-artifacts/ is not committed).
  mkdirSync('e2e-artifacts', { recursive: true });
  writeFileSync(`e2e-artifacts/download-${what}.${ext}`, bytes);
  return bytes;
}

async function pathOf(download: Download): Promise<string> {
  const path = await download.path();
  expect(path).not.toBeNull();
  return path;
}

/** Width and height from the IHDR chunk, after checking the PNG signature. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Decodes the PNG in the browser; its size and the RGB of one pixel. */
function decodeInPage(page: Page, bytes: Buffer, x: number, y: number) {
  return page.evaluate(
    async ({ b64, x, y }) => {
      const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], {
        type: 'image/png',
      });
      const bitmap = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const [r, g, b] = ctx.getImageData(x, y, 1, 1).data;
      return { width: bitmap.width, height: bitmap.height, rgb: [r, g, b] };
    },
    { b64: bytes.toString('base64'), x, y },
  );
}

const rgbOf = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));

test(
  'downloads: the clip log as CSV and JSON, the frame and the sweep as PNG and CSV',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    test.setTimeout(180_000);
    const started = Date.now();
    await openApp(page, `${appPath}&ec=${EC}`, backend);
    await waitForRuns(page, CLIPS, CLIPS * clipTimeout(backend) + 10_000);

    // Pause: no more clips, so the page's count is the files' count.
    const video = page.getByTestId('video');
    await video.evaluate((v: HTMLVideoElement) => v.pause());
    let seen = -1;
    await expect
      .poll(async () => {
        const before = seen;
        await page.waitForTimeout(800);
        seen = await runsOf(page);
        return seen === before;
      })
      .toBe(true);
    const clips = Number(await page.getByTestId('clip-log-count').textContent());
    expect(clips).toBe(await runsOf(page));
    expect(clips).toBeGreaterThanOrEqual(CLIPS);
    const counts = countsFor(meta, EC);

    // --- clip log, CSV by mouse
    const csv = parseCsv(
      (
        await save(page, () => page.getByTestId('download-clips-csv').click(), 'clips', 'csv')
      ).toString('utf8'),
    );
    const header = csv[0]!;
    expect(header).toEqual(clipLogHeader(E));
    const records = csv.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]!])));
    expect(records).toHaveLength(clips);
    records.forEach((r, i) => {
      expect(Number(r.clip)).toBe(i + 1);
      const time = Date.parse(r.time!);
      expect(new Date(time).toISOString()).toBe(r.time);
      expect(time).toBeGreaterThanOrEqual(started - 1000);
      expect(time).toBeLessThanOrEqual(Date.now());
      expect(r).toMatchObject({ model: meta.name, backend, e_c: String(EC) });
      expect(counts.map((_, e) => Number(r[`tokens_expert_${e + 1}`]))).toEqual(counts);
      expect(Number(r.gmacs)).toBeCloseTo(gmacsForCounts(meta, counts), 6);
      expect(Number(r.model_ms)).toBeGreaterThan(0);
      expect(Number(r.end_to_end_ms)).toBeGreaterThanOrEqual(Number(r.model_ms));
      const probs = [1, 2, 3, 4, 5].map((k) => Number(r[`top${k}_prob`]));
      expect(probs).toEqual([...probs].sort((a, b) => b - a));
      for (const k of [1, 2, 3, 4, 5]) expect(meta.labels).toContain(r[`top${k}_class`]);
      expect(probs[0]!).toBeLessThanOrEqual(1);
    });

    // --- clip log, JSON by keyboard
    const jsonButton = page.getByRole('button', { name: 'Download the clip log as JSON' });
    await jsonButton.focus();
    const json = JSON.parse(
      (await save(page, () => page.keyboard.press('Enter'), 'clips', 'json')).toString('utf8'),
    ) as { dropped: number; clips: Record<string, unknown>[] };
    expect(json.dropped).toBe(0);
    expect(json.clips).toHaveLength(clips);
    json.clips.forEach((c, i) => {
      expect(c).toMatchObject({
        clip: i + 1,
        time: records[i]!.time,
        model: meta.name,
        e_c: EC,
        tokens_per_expert: counts,
        gmacs: Number(records[i]!.gmacs),
        model_ms: Number(records[i]!.model_ms),
      });
      expect(c.top5).toHaveLength(5);
    });

    // --- the frame with its routing
    const layout = framePngLayout(meta.video, E);
    const frame = await save(
      page,
      () => page.getByTestId('download-frame-png').click(),
      'frame',
      'png',
    );
    expect(pngSize(frame)).toEqual({ width: layout.width, height: layout.height });
    expect(layout.width).toBe(meta.video.width * 4);
    const swatch = await decodeInPage(
      page,
      frame,
      FRAME_LEGEND_PAD + 6,
      layout.frameHeight + FRAME_LEGEND_PAD + 1.5 * FRAME_LEGEND_LINE,
    );
    expect(swatch).toMatchObject({ width: layout.width, height: layout.height });
    expect(swatch.rgb).toEqual(rgbOf(expertColour(0, E)));

    // --- the sweep: nothing to download until it ran
    const sweepCsvButton = page.getByTestId('download-sweep-csv');
    await expect(sweepCsvButton).toBeDisabled();
    await expect(page.getByTestId('download-sweep-png')).toBeDisabled();
    await expect(page.getByTestId('sweep-chart')).toContainText('press “Explore budgets” first');
    await video.evaluate((v: HTMLVideoElement) => v.play());
    await page.getByTestId('explore-budgets').click();
    await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-status', 'done', {
      timeout: meta.budget.levels.length * clipTimeout(backend),
    });
    await expect(sweepCsvButton).toBeEnabled();
    const sweep = parseCsv(
      (await save(page, () => sweepCsvButton.click(), 'sweep', 'csv')).toString('utf8'),
    );
    expect(sweep[0]).toEqual(SWEEP_CSV_HEADER);
    const levels = sweep.slice(1);
    expect(levels.map((r) => Number(r[1]))).toEqual(meta.budget.levels);
    const gmacs = levels.map((r) => Number(r[2]));
    expect(gmacs).toEqual([...gmacs].sort((a, b) => a - b));
    for (const r of levels) {
      expect(r[0]).toBe(meta.name);
      expect(Number(r[3])).toBeGreaterThan(0);
      expect(meta.labels).toContain(r[4]);
      expect(['true', 'false']).toContain(r[6]);
    }
    const chart = await save(
      page,
      () => page.getByTestId('download-sweep-png').click(),
      'sweep',
      'png',
    );
    expect(pngSize(chart)).toEqual(SWEEP_PNG);
    expect(await decodeInPage(page, chart, 0, 0)).toEqual({ ...SWEEP_PNG, rgb: [255, 255, 255] });
    await screenshot(page, `downloads-${backend}`);
  },
);
