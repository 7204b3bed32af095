/**
 * Scenario 9 — endurance: 500 consecutive inferences on a looping sample (WASM), with the page's
 * JS heap, the inference worker's JS heap and the WASM memory each growing less than 10% from
 * the mean of the first 50 samples to the mean of the last 50. (A longer run belongs in the
 * benchmark.)
 *
 * The 500 are counted once the app is in its steady state: its bounded buffers (the last
 * HISTORY_LENGTH clips behind the charts and latency percentiles) fill during the first 120 clips,
 * which is growth by design, not a leak; so is the session's clip log (the downloads), a few
 * hundred bytes per clip up to 10,000 clips. One sample per classified clip, read like this:
 *  - page JS heap: `gc(); performance.memory.usedJSHeapSize` in one evaluation (a browser launched
 *    with --js-flags=--expose-gc --enable-precise-memory-info). Garbage collection and the read
 *    must be one task: via CDP (HeapProfiler.collectGarbage, then Runtime.getHeapUsage) a render
 *    slips in between about one time in four and adds ~2.5 MB of fresh garbage. Chromium's
 *    Performance.getMetrics JSHeapUsedSize (garbage included) is reported too.
 *  - worker JS heap: HeapProfiler.collectGarbage + Runtime.getHeapUsage sent to the
 *    "mone-inference" worker target, attached through the page's CDP session (performance.memory
 *    does not exist in workers);
 *  - WASM memory: onnxruntime-web keeps its WebAssembly.Memory private and the app reports none,
 *    so the test serves the worker script with a short prelude that records every
 *    WebAssembly.Memory the worker creates, and asks the worker for their buffer sizes.
 */
import { expect, test } from './fixtures';
import { HISTORY_LENGTH } from '../src/store/resultsSlice';
import {
  clipTimeout,
  launchOptionsWith,
  logPageProblems,
  mean,
  openApp,
  runsOf,
  screenshot,
  waitForRuns,
  WorkerDevtools,
} from './helpers';

const INFERENCES = 500;
const WINDOW = 50;
const MAX_GROWTH = 0.1;

/** Prepended to the inference worker's script (and ORT's pthread workers, same file: harmless). */
const WASM_MEMORY_PRELUDE = `
if (!self.__wasmMemoryBytes) {
  const memories = [];
  const Base = WebAssembly.Memory;
  WebAssembly.Memory = class extends Base {
    constructor(descriptor) { super(descriptor); memories.push(new WeakRef(this)); }
  };
  self.__wasmMemoryBytes = () => memories.reduce((n, r) => n + (r.deref()?.buffer.byteLength ?? 0), 0);
}
`;

interface MemorySample {
  run: number;
  pageHeap: number;
  pageHeapMetric: number;
  workerHeap: number;
  wasm: number;
}

/** Clips before counting: the app's bounded buffers are full after HISTORY_LENGTH of them. */
const WARMUP_CLIPS = HISTORY_LENGTH + 10;

test(
  'endurance: 500 inferences with JS heap and WASM memory growth under 10%',
  { tag: '@wasm-only' },
  async ({ playwright, appPath, backend, baseURL }, testInfo) => {
    test.setTimeout(360_000);
    const browser = await playwright.chromium.launch(
      launchOptionsWith(testInfo, ['--js-flags=--expose-gc', '--enable-precise-memory-info']),
    );
    try {
      const page = await (await browser.newContext({ baseURL, serviceWorkers: 'block' })).newPage();
      logPageProblems(page);
      await page.route('**/assets/inference.worker-*.js', async (route) => {
        const response = await route.fetch();
        const headers = { ...response.headers() };
        delete headers['content-length'];
        await route.fulfill({
          response,
          headers,
          body: WASM_MEMORY_PRELUDE + (await response.text()),
        });
      });
      await openApp(page, appPath, backend);
      await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });

      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      const worker = await WorkerDevtools.attach(cdp, 'mone-inference');

      const sample = async (run: number): Promise<MemorySample> => {
        const { metrics } = await cdp.send('Performance.getMetrics');
        const pageHeap = await page.evaluate(() => {
          (globalThis as unknown as { gc: () => void }).gc();
          return (performance as Performance & { memory: { usedJSHeapSize: number } }).memory
            .usedJSHeapSize;
        });
        return {
          run,
          pageHeap,
          pageHeapMetric: metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN,
          workerHeap: await worker.heapAfterGc(),
          wasm: await worker.evaluate<number>('self.__wasmMemoryBytes()'),
        };
      };

      /** One sample after each newly classified clip, `WINDOW` of them. */
      const window = async (): Promise<MemorySample[]> => {
        const out: MemorySample[] = [];
        let last = await runsOf(page);
        while (out.length < WINDOW) {
          last = await waitForRuns(page, last + 1, 10_000);
          out.push(await sample(last));
        }
        return out;
      };

      const started = Date.now();
      await waitForRuns(page, WARMUP_CLIPS, 120_000);
      const first = await window();
      const start = first[0]!.run - 1;
      await waitForRuns(page, start + INFERENCES - WINDOW, 150_000);
      const last = await window();
      const end = last.at(-1)!.run;
      expect(end - start).toBeGreaterThanOrEqual(INFERENCES);

      const MiB = (x: number) => `${(x / 2 ** 20).toFixed(2)} MiB`;
      const report = (name: string, pick: (s: MemorySample) => number) => {
        const a = mean(first.map(pick));
        const b = mean(last.map(pick));
        const growth = (b - a) / a;
        console.log(
          `[endurance] ${name.padEnd(34)} ${MiB(a)} → ${MiB(b)} (${(growth * 100).toFixed(1)}%)`,
        );
        return growth;
      };
      console.log(
        `[endurance] ${end - start} inferences after ${start} warm-up clips (runs ${start + 1}–${end})` +
          ` in ${((Date.now() - started) / 1000).toFixed(0)} s; samples: runs ${first[0]!.run}–${first.at(-1)!.run}` +
          ` and ${last[0]!.run}–${end}`,
      );
      const growth = {
        pageHeap: report('page JS heap (gc + usedJSHeapSize)', (s) => s.pageHeap),
        pageHeapMetric: report('page JSHeapUsedSize (no gc)', (s) => s.pageHeapMetric),
        workerHeap: report('worker JS heap (after gc)', (s) => s.workerHeap),
        wasm: report('WASM memory', (s) => s.wasm),
      };
      await test.info().attach('endurance.json', {
        body: JSON.stringify({ start, end, growth, first, last }, null, 1),
        contentType: 'application/json',
      });
      await screenshot(page, 'endurance-wasm');

      expect(
        first.every((s) => s.wasm > 0),
        'WASM memory found in the worker',
      ).toBe(true);
      expect(growth.pageHeap, 'page JS heap growth').toBeLessThan(MAX_GROWTH);
      expect(growth.workerHeap, 'worker JS heap growth').toBeLessThan(MAX_GROWTH);
      expect(growth.wasm, 'WASM memory growth').toBeLessThan(MAX_GROWTH);
      await expect(page.getByTestId('status')).toHaveText('Ready');
      await expect(page.getByTestId('error')).toBeEmpty();
      await expect(page.getByTestId('backend')).toHaveText(backend);
    } finally {
      await browser.close();
    }
  },
);
