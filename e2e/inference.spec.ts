/**
 * The real inference worker in Chromium, through src/client/inferenceClient.ts, on the shipped
 * model: the harness page e2e/harness/inference.html (test-only, built into the e2e site next to
 * the app, never into dist/) exposes window.__inferenceHarness.
 * Runs on both projects; the `webgpu` project forces WebGPU. The adapter here is SwiftShader
 * (software, seconds per run and ~1 s of shader compilation per new set of counts), so WebGPU
 * scenarios use one golden clip and budgets whose shapes are already compiled.
 */
import type { Page } from '@playwright/test';
import { median } from '../src/model/latencyStats';
import { countsFor } from '../src/store/budgetMath';
import type { Backend } from './fixtures';
import { expect, test } from './fixtures';
import type { InitOutcome, RunOk, RunOutcome } from './harness/api';
import {
  meta,
  MODEL_FILE,
  readJson,
  skipWithoutAdapter,
  WEIGHT_FILES_GLOB,
  weightsFileFor,
} from './helpers';

const HARNESS_PAGE = '/e2e/harness/inference.html';
/** Browser float paths differ from the exporter's CPU run more than onnxruntime-node does. */
const LOGIT_TOLERANCE = 1e-3;

interface Golden {
  clips: {
    file: string;
    cases: { e_c: number; counts: number[]; logits: number[]; expert_index: number[] }[];
  }[];
}
const golden = readJson('models/mone-vivit-s.golden.json') as Golden;

async function openHarness(page: Page, backend: Backend): Promise<void> {
  page.on('pageerror', (err) => console.log(`[page error] ${err.message}`));
  await page.goto(`${HARNESS_PAGE}?backend=${backend}`);
  // Fail fast (not at the test timeout) when the page's script did not load, e.g. a
  // dist-harness/ rebuilt under a running preview server.
  await page.waitForFunction(() => window.__inferenceHarness !== undefined, null, {
    timeout: 30_000,
  });
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
}

const init = (
  page: Page,
  options: Parameters<NonNullable<Window['__inferenceHarness']>['init']>[0],
) => page.evaluate((o) => window.__inferenceHarness!.init(o), options);

const run = (page: Page, counts: number[], ec: number): Promise<RunOutcome> =>
  page.evaluate(([c, e]) => window.__inferenceHarness!.run(c, e), [counts, ec] as const);

function expectResult(outcome: RunOutcome): RunOk {
  if (outcome.type !== 'result')
    throw new Error(`expected a result, got ${JSON.stringify(outcome)}`);
  return outcome;
}

function expectReady(outcome: InitOutcome, backend: Backend): void {
  expect(outcome.error, outcome.error?.message).toBeNull();
  expect(outcome.backend?.backend).toBe(backend);
  expect(outcome.ready?.backend).toBe(backend);
}

async function feedGolden(page: Page, file: string): Promise<void> {
  const { frames, height, width, fps } = meta.video;
  const clip = { url: `/models/${file}`, frames, height, width, fps };
  await page.evaluate((c) => window.__inferenceHarness!.feedGolden(c), clip);
}

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  expect(a).toHaveLength(b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
}

test('golden clips and budget changes on the requested backend, one session', async ({
  page,
  backend,
}) => {
  test.setTimeout(backend === 'webgpu' ? 420_000 : 120_000);
  await openHarness(page, backend);
  await skipWithoutAdapter(page, backend);

  // WebGPU: warm up only the first golden budget (each new set of counts compiles shaders).
  const warmupLevels = backend === 'webgpu' ? [1] : [...meta.budget.levels];
  // The golden logits are fp32's (the int8 weights have their own test below).
  const ready = await init(page, { warmupLevels, weights: 'fp32' });
  expectReady(ready, backend);
  expect(ready.ready?.weights).toMatchObject({ kind: 'fp32', file: meta.model_file });
  const adapter = ready.backend?.adapter;
  console.log(
    `[inference.spec] ${backend}: ${ready.backend?.reason} threads=${ready.backend?.threads}` +
      ` adapter=${adapter ? `${adapter.vendor}/${adapter.architecture} fallback=${adapter.isFallbackAdapter} shader-f16=${adapter.shaderF16}` : 'none'}` +
      ` init=${ready.ready?.initMs.toFixed(0)}ms warmup(${warmupLevels.length})=${ready.ready?.warmupMs.toFixed(0)}ms`,
  );
  expect(ready.warmupSteps).toBe(warmupLevels.length);
  expect(ready.progress.at(-1)).toMatchObject({
    fromCache: false,
    loadedBytes: ready.progress.at(-1)?.totalBytes,
  });

  // Golden cases: logits within tolerance, identical routing.
  const clips = backend === 'webgpu' ? golden.clips.slice(0, 1) : golden.clips;
  const runMs: number[] = [];
  for (const clip of clips) {
    await feedGolden(page, clip.file);
    for (const c of clip.cases) {
      const result = expectResult(await run(page, c.counts, c.e_c));
      runMs.push(result.timings.runMs);
      expect(maxAbsDiff(result.logits, c.logits), `${clip.file} e_c=${c.e_c}`).toBeLessThanOrEqual(
        LOGIT_TOLERANCE,
      );
      expect(result.expertIndex, `${clip.file} e_c=${c.e_c}`).toEqual(c.expert_index);
    }
  }

  // Budget changes on the same session: every time step gets exactly the budget rule's counts.
  // WebGPU reuses budgets whose shapes were compiled above; WASM takes five others.
  const levels = backend === 'webgpu' ? [0.3, 1, 0.15, 0.8, 0.5] : [0.25, 0.9, 0.4, 0.7, 0.6];
  for (const ec of levels) {
    const counts = countsFor(meta, ec);
    const result = expectResult(await run(page, counts, ec));
    runMs.push(result.timings.runMs);
    expect(result.counts).toEqual(counts);
    expect(result.observedCounts, `e_c=${ec}`).toEqual(
      Array.from({ length: meta.tokens.time_steps }, () => counts),
    );
    expect(result.timings.endToEndMs).toBeGreaterThanOrEqual(result.timings.runMs);
  }

  // One run in flight: the client refuses a second instead of queueing it.
  const [first, second] = await page.evaluate(
    (c) => window.__inferenceHarness!.runTwice(c, 0.5),
    countsFor(meta, 0.5),
  );
  expect(first.type).toBe('result');
  expect(second.type).toBe('rejected');

  console.log(
    `[inference.spec] ${backend}: first run after warm-up ${runMs[0]?.toFixed(1)} ms, median ${median(runMs.slice(1)).toFixed(1)} ms over ${runMs.length} runs`,
  );

  // "Explore budgets": one sweepResult, medians per budget, compute rising with e_c.
  const budgets = [0.5, 1].map((ec) => ({ ec, counts: countsFor(meta, ec) }));
  const sweep = await page.evaluate(([b, r]) => window.__inferenceHarness!.sweep(b, r), [
    budgets,
    2,
  ] as const);
  if (sweep.type !== 'sweepResult') throw new Error(`sweep failed: ${sweep.message}`);
  expect(sweep.points.map((p) => p.counts)).toEqual(budgets.map((b) => b.counts));
  expect(sweep.points[0]!.gmacs).toBeLessThan(sweep.points[1]!.gmacs);
  for (const point of sweep.points) {
    expect(point.medianRunMs).toBeGreaterThan(0);
    expect(point.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  }

  const stats = await page.evaluate(() => window.__inferenceHarness!.stats());
  expect(stats).toMatchObject({
    sessionsCreated: 1,
    modelDownloads: 1,
    runs: runMs.length + 1 + budgets.length * 2,
    framesReceived: clips.length * meta.video.frames,
    framesDropped: 0,
  });
});

test(
  "int8 weights on WASM: the golden clips' top-1 and expert assignments are fp32's, logits close",
  { tag: '@wasm-only' },
  async ({ page }) => {
    test.setTimeout(120_000);
    const int8 = meta.weight_files?.find((w) => w.backends.includes('wasm'));
    test.skip(int8 === undefined, 'the shipped model lists no int8 weights for WASM');
    await openHarness(page, 'wasm');
    const ready = await init(page, { warmupLevels: [...meta.budget.levels] });
    expectReady(ready, 'wasm');
    expect(ready.ready?.weights).toMatchObject({ kind: 'int8-dynamic', file: int8!.file });
    expect(ready.progress.at(-1)).toMatchObject({ file: int8!.file, totalBytes: int8!.bytes });

    // The tolerance is the largest |logit difference| the tool measured between the int8 and
    // fp32 files over the whole test split (onnxruntime CPU); WASM's kernels round alike.
    const tolerance = Math.max(...int8!.evaluation.points.map((p) => p.max_logit_diff));
    let worst = 0;
    for (const clip of golden.clips) {
      await feedGolden(page, clip.file);
      for (const c of clip.cases) {
        const result = expectResult(await run(page, c.counts, c.e_c));
        const where = `${clip.file} e_c=${c.e_c}`;
        const argmax = (xs: readonly number[]) => xs.indexOf(Math.max(...xs));
        expect(argmax(result.logits), where).toBe(argmax(c.logits));
        expect(result.expertIndex, where).toEqual(c.expert_index);
        worst = Math.max(worst, maxAbsDiff(result.logits, c.logits));
      }
    }
    console.log(
      `[inference.spec] int8 on WASM: ${golden.clips.length * golden.clips[0]!.cases.length} golden cases, max |logit - fp32 golden| ${worst.toFixed(4)} (tolerance ${tolerance})`,
    );
    expect(worst).toBeLessThanOrEqual(tolerance);
  },
);

test('a second page loads the model from Cache Storage with the model URL blocked', async ({
  page,
  backend,
}) => {
  test.setTimeout(backend === 'webgpu' ? 180_000 : 60_000);
  await openHarness(page, backend);
  await skipWithoutAdapter(page, backend);
  const first = await init(page, { warmupLevels: [0.5] });
  expectReady(first, backend);
  expect(first.progress.at(-1)?.fromCache).toBe(false);

  // The weights the backend runs (int8 on WASM) are what is cached. Every weight file is blocked.
  const file = weightsFileFor(backend);
  const second = await page.context().newPage();
  const modelRequests: string[] = [];
  await second.route(WEIGHT_FILES_GLOB, (route) => {
    modelRequests.push(new URL(route.request().url()).pathname.split('/').at(-1)!);
    return route.abort('blockedbyclient');
  });
  await openHarness(second, backend);
  const cached = await init(second, { warmupLevels: [0.5] });
  expectReady(cached, backend);
  expect(cached.progress).toHaveLength(1);
  expect(cached.progress[0]).toMatchObject({ fromCache: true, file });
  expect(modelRequests).toEqual([]);
  expect(await second.evaluate(() => window.__inferenceHarness!.stats())).toMatchObject({
    sessionsCreated: 1,
    modelDownloads: 0,
  });

  // The block really reaches the worker's fetch: bypassing the cache fails as model-missing
  // (on WASM after the int8 file, which fails first and is named in a warning).
  const blocked = await init(second, { warmupLevels: [0.5], bypassCache: true });
  expect(blocked.error).toMatchObject({ code: 'model-missing', fatal: true });
  expect(modelRequests).toEqual(file === MODEL_FILE ? [file] : [file, MODEL_FILE]);
  expect(blocked.warnings.map((w) => w.code)).toEqual(
    file === MODEL_FILE ? [] : ['weights-fallback'],
  );

  expect(await second.evaluate(() => window.__inferenceHarness!.clearCache())).toEqual({
    type: 'cacheCleared',
    removed: 1,
  });
});

// Backend choice is project-independent: tagged @wasm-only, so only the wasm project runs it.
test(
  'auto avoids a software WebGPU adapter; forced WebGPU without an adapter fails clearly',
  {
    tag: '@wasm-only',
  },
  async ({ page, browserName, playwright }) => {
    await page.goto(HARNESS_PAGE); // no ?backend: 'auto'
    await page.waitForFunction(() => window.__inferenceHarness !== undefined, null, {
      timeout: 30_000,
    });
    const adapter = await page.evaluate(() => window.__inferenceHarness!.hasAdapter());
    const auto = await init(page, { warmupLevels: [0.5] });
    expectReady(auto, 'wasm');
    if (adapter) {
      // Here the only adapter is SwiftShader.
      expect(auto.backend?.adapter?.isFallbackAdapter).toBe(true);
      expect(auto.backend?.reason).toMatch(
        /^WebGPU adapter is a software fallback \(.*\); WASM is faster here\.$/,
      );
    }

    // Without --enable-unsafe-webgpu Chromium on Linux gives no adapter at all.
    expect(browserName).toBe('chromium');
    const launch = test.info().project.use.launchOptions ?? {};
    const noGpu = await playwright.chromium.launch({
      ...launch,
      args: (launch.args ?? []).filter((a) => a !== '--enable-unsafe-webgpu'),
    });
    try {
      const context = await noGpu.newContext({
        baseURL: test.info().project.use.baseURL,
        serviceWorkers: 'block',
      });
      const bare = await context.newPage();
      await openHarness(bare, 'webgpu');
      expect(await bare.evaluate(() => window.__inferenceHarness!.hasAdapter())).toBe(false);
      const forced = await init(bare, {});
      expect(forced.error).toMatchObject({ code: 'backend-unavailable', fatal: true });
      expect(forced.error?.message).toMatch(/no WebGPU adapter is available/);
      expect(forced.ready).toBeNull();
    } finally {
      await noGpu.close();
    }
  },
);
