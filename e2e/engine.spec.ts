/**
 * The real inference worker in Chromium, through src/engine/bridge.ts, on the shipped model:
 * engine-test.html (a test-only page built next to the app) exposes window.__engineTest.
 * Runs on both projects; the `webgpu` project forces WebGPU. The adapter here is SwiftShader
 * (software, seconds per run and ~1 s of shader compilation per new set of counts), so WebGPU
 * scenarios use one golden clip and budgets whose shapes are already compiled.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { InitOutcome, RunOk, RunOutcome } from '../src/engine-test/api';
import { countsForBudget } from '../src/inference/budget';
import type { Backend } from './fixtures';
import { expect, test } from './fixtures';

const MODELS = new URL('../public/models/', import.meta.url);
const MODEL_FILE = 'mone-vivit-s.onnx';
/** Browser float paths differ from the exporter's CPU run more than onnxruntime-node does. */
const LOGIT_TOLERANCE = 1e-3;

interface Meta {
  video: { frames: number; height: number; width: number; fps: number };
  tokens: { per_step: number; time_steps: number };
  experts: { count: number };
  budget: { levels: number[] };
}
interface Golden {
  clips: {
    file: string;
    cases: { e_c: number; counts: number[]; logits: number[]; expert_index: number[] }[];
  }[];
}
const readJson = (file: string): unknown => JSON.parse(readFileSync(new URL(file, MODELS), 'utf8'));
const meta = readJson('mone-vivit-s.json') as Meta;
const golden = readJson('mone-vivit-s.golden.json') as Golden;

const countsFor = (ec: number) => countsForBudget(ec, meta.tokens.per_step, meta.experts.count);

async function openEngine(page: Page, backend: Backend): Promise<void> {
  page.on('pageerror', (err) => console.log(`[page error] ${err.message}`));
  await page.goto(`/engine-test.html?backend=${backend}`);
  // Fail fast (not at the test timeout) when the page's script did not load, e.g. a dist/
  // rebuilt under a running preview server.
  await page.waitForFunction(() => window.__engineTest !== undefined, null, { timeout: 30_000 });
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
}

/** Skips the WebGPU project (with the reason printed) only when there is no adapter at all. */
async function skipWithoutAdapter(page: Page, backend: Backend): Promise<void> {
  if (backend !== 'webgpu') return;
  const hasAdapter = await page.evaluate(() => window.__engineTest!.hasAdapter());
  const reason = 'navigator.gpu.requestAdapter() returned null: no WebGPU adapter in this browser';
  if (!hasAdapter) console.log(`[engine.spec] skipping WebGPU: ${reason}`);
  test.skip(!hasAdapter, reason);
}

const init = (page: Page, options: Parameters<NonNullable<Window['__engineTest']>['init']>[0]) =>
  page.evaluate((o) => window.__engineTest!.init(o), options);

const run = (page: Page, counts: number[], ec: number): Promise<RunOutcome> =>
  page.evaluate(([c, e]) => window.__engineTest!.run(c, e), [counts, ec] as const);

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
  await page.evaluate((c) => window.__engineTest!.feedGolden(c), clip);
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
  await openEngine(page, backend);
  await skipWithoutAdapter(page, backend);

  // WebGPU: warm up only the first golden budget (each new set of counts compiles shaders).
  const warmupLevels = backend === 'webgpu' ? [1] : meta.budget.levels;
  const ready = await init(page, { warmupLevels });
  expectReady(ready, backend);
  const adapter = ready.backend?.adapter;
  console.log(
    `[engine.spec] ${backend}: ${ready.backend?.reason} threads=${ready.backend?.threads}` +
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
    const counts = countsFor(ec);
    const result = expectResult(await run(page, counts, ec));
    runMs.push(result.timings.runMs);
    expect(result.counts).toEqual(counts);
    expect(result.observedCounts, `e_c=${ec}`).toEqual(
      Array.from({ length: meta.tokens.time_steps }, () => counts),
    );
    expect(result.timings.endToEndMs).toBeGreaterThanOrEqual(result.timings.runMs);
  }

  // One run in flight: the bridge refuses a second instead of queueing it.
  const [first, second] = await page.evaluate(
    (c) => window.__engineTest!.runTwice(c, 0.5),
    countsFor(0.5),
  );
  expect(first.type).toBe('result');
  expect(second.type).toBe('rejected');

  const sorted = [...runMs.slice(1)].sort((a, b) => a - b);
  console.log(
    `[engine.spec] ${backend}: first run after warm-up ${runMs[0]?.toFixed(1)} ms, median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms over ${runMs.length} runs`,
  );

  // "Explore budgets": one sweepResult, medians per budget, compute rising with e_c.
  const budgets = [0.5, 1].map((ec) => ({ ec, counts: countsFor(ec) }));
  const sweep = await page.evaluate(([b, r]) => window.__engineTest!.sweep(b, r), [
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

  const stats = await page.evaluate(() => window.__engineTest!.stats());
  expect(stats).toMatchObject({
    sessionsCreated: 1,
    modelDownloads: 1,
    runs: runMs.length + 1 + budgets.length * 2,
    framesReceived: clips.length * meta.video.frames,
    framesDropped: 0,
  });
});

test('a second page loads the model from Cache Storage with the model URL blocked', async ({
  page,
  backend,
}) => {
  test.setTimeout(backend === 'webgpu' ? 180_000 : 60_000);
  await openEngine(page, backend);
  await skipWithoutAdapter(page, backend);
  const first = await init(page, { warmupLevels: [0.5] });
  expectReady(first, backend);
  expect(first.progress.at(-1)?.fromCache).toBe(false);

  const second = await page.context().newPage();
  let modelRequests = 0;
  await second.route(`**/${MODEL_FILE}*`, (route) => {
    modelRequests++;
    return route.abort('blockedbyclient');
  });
  await openEngine(second, backend);
  const cached = await init(second, { warmupLevels: [0.5] });
  expectReady(cached, backend);
  expect(cached.progress).toHaveLength(1);
  expect(cached.progress[0]).toMatchObject({ fromCache: true, file: MODEL_FILE });
  expect(modelRequests).toBe(0);
  expect(await second.evaluate(() => window.__engineTest!.stats())).toMatchObject({
    sessionsCreated: 1,
    modelDownloads: 0,
  });

  // The block really reaches the worker's fetch: bypassing the cache fails as model-missing.
  const blocked = await init(second, { warmupLevels: [0.5], bypassCache: true });
  expect(blocked.error).toMatchObject({ code: 'model-missing', fatal: true });
  expect(modelRequests).toBe(1);

  expect(await second.evaluate(() => window.__engineTest!.clearCache())).toEqual({
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
    await page.goto('/engine-test.html'); // no ?backend: 'auto'
    await page.waitForFunction(() => window.__engineTest !== undefined, null, { timeout: 30_000 });
    const adapter = await page.evaluate(() => window.__engineTest!.hasAdapter());
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
      const context = await noGpu.newContext({ baseURL: test.info().project.use.baseURL });
      const bare = await context.newPage();
      await openEngine(bare, 'webgpu');
      expect(await bare.evaluate(() => window.__engineTest!.hasAdapter())).toBe(false);
      const forced = await init(bare, {});
      expect(forced.error).toMatchObject({ code: 'backend-unavailable', fatal: true });
      expect(forced.error?.message).toMatch(/no WebGPU adapter is available/);
      expect(forced.ready).toBeNull();
    } finally {
      await noGpu.close();
    }
  },
);
