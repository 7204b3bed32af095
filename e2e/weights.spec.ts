/**
 * Which weights run: the metadata lists int8 weights for WASM (training/mone/variants.py ships
 * them only within 0.5 point of fp32's test top-1 and faster); the app downloads the file of its
 * backend, says which and why in the runtime panel, and runs fp32 when forced (the runtime panel
 * or `?weights=fp32`) or when the int8 file fails. The golden clips on int8 are checked in
 * inference.spec.ts.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import type { Backend } from './fixtures';
import {
  clipTimeout,
  isModelUrl,
  logPageProblems,
  logRequests,
  meta,
  MODEL_FILE,
  openApp,
  readSamples,
  readyTimeout,
  samples,
  screenshot,
  startRunLog,
  waitForMoreRuns,
  weightsFileFor,
  type SampleReading,
} from './helpers';

const INT8 = meta.weight_files?.find((w) => w.backends.includes('wasm'));
const fileOf = (url: string) => new URL(url).pathname.split('/').at(-1)!;
/** The weight files requested so far, by name. */
const weightRequests = (requests: readonly string[]) => requests.filter(isModelUrl).map(fileOf);

async function expectWeights(page: Page, kind: string, file: string, reason: RegExp) {
  const weights = page.getByTestId('weights');
  await expect(weights).toHaveAttribute('data-kind', kind);
  await expect(weights).toHaveAttribute('data-file', file);
  await expect(weights).toHaveText(reason);
}

const waitReady = (page: Page, backend: Backend) =>
  expect(page.getByTestId('status')).toContainText('Ready', { timeout: readyTimeout(backend) });

test("the backend's weights are the file downloaded, and the runtime panel says which and why", async ({
  page,
  appPath,
  backend,
}) => {
  const requests = logRequests(page.context());
  await openApp(page, appPath, backend);
  const file = weightsFileFor(backend);
  expect(weightRequests(requests)).toEqual([file]);
  if (backend === 'wasm' && INT8 !== undefined) {
    expect(file).toBe(INT8.file);
    await expectWeights(
      page,
      'int8-dynamic',
      file,
      /^int8 weights on WASM: test top-1 .* pt vs fp32 \(2,000 clips, e_c 0\.25 to 1\), .*× faster \(onnxruntime-web .* WASM/,
    );
    await expect(page.getByTestId('runtime-model')).toContainText(
      `${(INT8.bytes / 2 ** 20).toFixed(1)} MB`,
    );
  } else {
    await expectWeights(page, 'fp32', MODEL_FILE, /^fp32 weights/);
  }
  await expect(page.getByTestId('weights-select')).toHaveValue('auto');
  await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
  await expect(page.getByTestId('error')).toBeEmpty();
});

test(
  'int8 and fp32 show the same top-1 on the samples; forcing fp32 loads its file without a page reload',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    test.skip(INT8 === undefined, 'the shipped model lists no int8 weights for WASM');
    const [settle, clips] = [4, 14]; // as samples.spec.ts reads them on WASM
    test.setTimeout(3 * readyTimeout(backend) + 2 * samples.length * (clips + 2) * 1000);
    const requests = logRequests(page.context());
    await openApp(page, appPath, backend);
    await expect(page.getByTestId('weights')).toHaveAttribute('data-kind', 'int8-dynamic');
    await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
    await startRunLog(page);
    const int8 = await readSamples(page, backend, settle, clips);

    // fp32 from the runtime panel: a fresh engine on the same page (the mark survives), the fp32
    // file downloaded, the link says so.
    await page.evaluate(() => ((window as Window & { __mark?: number }).__mark = 1));
    await page.getByTestId('weights-select').selectOption('fp32');
    await waitReady(page, backend);
    await expectWeights(
      page,
      'fp32',
      MODEL_FILE,
      /^fp32 weights: forced \(the int8 weights for WASM are not used\)$/,
    );
    expect(weightRequests(requests)).toEqual([INT8!.file, MODEL_FILE]);
    await expect.poll(() => new URL(page.url()).searchParams.get('weights')).toBe('fp32');
    expect(await page.evaluate(() => (window as Window & { __mark?: number }).__mark)).toBe(1);
    await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
    const fp32 = await readSamples(page, backend, settle, clips);

    const row = (r: SampleReading, f: SampleReading) =>
      `  ${r.shown === f.shown ? 'same' : 'DIFF'} ${r.label.padEnd(26)} int8 ${String(r.shown).padEnd(26)} fp32 ${String(f.shown)}`;
    console.log(
      `[weights] top-1 per sample, int8 vs fp32:\n${int8.map((r, i) => row(r, fp32[i]!)).join('\n')}`,
    );
    expect(int8.map((r) => r.shown)).toEqual(fp32.map((r) => r.shown));

    // Back to auto: the int8 file comes from Cache Storage, nothing is downloaded again.
    await page.getByTestId('weights-select').selectOption('auto');
    await waitReady(page, backend);
    await expect(page.getByTestId('weights')).toHaveAttribute('data-kind', 'int8-dynamic');
    await expect(page.getByTestId('download-progress')).toContainText('(from cache)');
    expect(weightRequests(requests)).toEqual([INT8!.file, MODEL_FILE]);
    await expect.poll(() => new URL(page.url()).searchParams.get('weights')).toBeNull();
    await waitForMoreRuns(page, 3, 3 * clipTimeout(backend));
    expect(await page.evaluate(() => (window as Window & { __mark?: number }).__mark)).toBe(1);
    await screenshot(page, 'weights-int8-wasm');
  },
);

test(
  '?weights=fp32 opens on the fp32 file; a missing int8 file is a warning and fp32 runs',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    test.skip(INT8 === undefined, 'the shipped model lists no int8 weights for WASM');
    const requests = logRequests(page.context());
    await openApp(page, `${appPath}&weights=fp32`, backend);
    await expect(page.getByTestId('weights-select')).toHaveValue('fp32');
    await expectWeights(page, 'fp32', MODEL_FILE, /^fp32 weights: forced/);
    expect(weightRequests(requests)).toEqual([MODEL_FILE]);

    // A fresh page whose int8 file answers 404: named in a warning, fp32 runs and classifies.
    const other = await page.context().newPage();
    logPageProblems(other);
    await other.route(`**/${INT8!.file}*`, (route) =>
      route.fulfill({ status: 404, body: 'not found' }),
    );
    await other.goto(appPath);
    await waitReady(other, backend);
    const error = other.getByTestId('error');
    await expect(error).toContainText('int8 weights not used');
    await expect(error).toContainText(
      `${meta.name}: ${INT8!.file} could not be used (The model is missing:`,
    );
    await expect(error).toContainText(`HTTP 404.); ${MODEL_FILE} runs instead.`);
    await expectWeights(
      other,
      'fp32',
      MODEL_FILE,
      /^fp32 weights: the int8 weights could not be used$/,
    );
    await expect(other.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
    await waitForMoreRuns(other, 3, 3 * clipTimeout(backend));
    await expect(other.getByTestId('status')).toHaveText('Ready');
  },
);
