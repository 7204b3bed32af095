/**
 * (c) The app end to end in headless Chromium (the built app from bench-results/site, served
 * cross-origin isolated by vite preview): clips per second on the fake camera (a y4m made from a
 * sample clip) at e_c = 0.5 on WASM with all threads, main-thread responsiveness while it
 * streams (long tasks, requestAnimationFrame gaps), time from page open to Ready with an empty
 * profile (cold) and on a second visit with the same profile (cached), and the inference
 * worker's memory (CDP).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { percentile } from '../src/model/latencyStats';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';
import type { WorkerMemory } from './cdp';
import type { MainThreadProfile } from './cdp';
import { measureWorkers, profileMainThread, workerMemory } from './cdp';
import { log, RESULTS_DIR, ROOT, sleep } from './common';
import { serve } from './site';

export interface AppResult {
  readonly url: string;
  readonly camera: { file: string; width: number; height: number; fps: number };
  readonly modelFps: number;
  readonly backend: { backend: string; threads: number; crossOriginIsolated: boolean };
  readonly readyColdMs: number;
  /** The worst of the cached visits (the target uses it). */
  readonly readyCachedMs: number;
  readonly readyCachedVisitsMs: readonly number[];
  readonly cachedVisitDownloads: readonly string[];
  readonly streaming: {
    readonly seconds: number;
    readonly runs: number;
    readonly clipsPerSecond: number;
    readonly cameraFps: number;
    readonly appClipsPerSecond: string;
    readonly appLatencyP50: string;
    readonly appLatencyP95: string;
    readonly rafGapP50Ms: number;
    readonly rafGapP99Ms: number;
    readonly rafGapMaxMs: number;
    readonly longTasks: number;
    readonly longTaskMaxMs: number;
    readonly longTaskShare: number;
    /**
     * What ran in each animation frame of 50 ms or more (Long Animation Frames API): the frame's
     * length and its longest script, e.g. 'TimerHandler:setTimeout (Charts-….js) 31 ms'; 'no
     * script' when the time went to style, layout, paint, GC or waiting for a core.
     */
    readonly longFrames: readonly LongFrame[];
  };
  /**
   * A/B: the same streaming window with the charts chunk (recharts) blocked, so the page renders
   * everything but the four charts (the ErrorBoundary shows a notice in their place).
   */
  readonly withoutCharts: AppResult['streaming'] | null;
  /** Where the main thread's time goes while streaming (V8 CPU profile, after the window). */
  readonly mainThread: MainThreadProfile | null;
  readonly memory: {
    readonly jsHeapUsedBytes: number | null;
    readonly jsHeapTotalBytes: number | null;
    /**
     * measureUserAgentSpecificMemory's bytes for the inference worker: JS heap + array buffers +
     * the WASM memory (onnxruntime's heap).
     */
    readonly workerTotalBytes: number | null;
    /** The WebAssembly.Memory objects the inference worker created (onnxruntime's heap). */
    readonly wasmMemoryBytes: number | null;
    readonly measureMs: number | null;
    readonly workers: readonly WorkerMemory[];
  };
}

export interface LongFrame {
  readonly durationMs: number;
  readonly blockingMs: number;
  /** The longest script in the frame ('no script' when none ran), with its own duration. */
  readonly script: string;
  readonly scriptMs: number;
  /** The frame's rendering update (rAF callbacks, style, layout, paint) and its style + layout. */
  readonly renderMs: number;
  readonly styleLayoutMs: number;
}

interface Probe {
  readyAt: number | null;
  recording: boolean;
  windowStart: number;
  rafGaps: number[];
  longTasks: { start: number; duration: number }[];
  longFrames: LongFrame[];
  videoFrames: number;
}

declare global {
  interface Window {
    __benchProbe?: Probe;
  }
}

/** Installed before the app's scripts: Ready time, long tasks, rAF gaps, presented frames. */
function installProbe() {
  const probe: Probe = {
    readyAt: null,
    recording: false,
    windowStart: 0,
    rafGaps: [],
    longTasks: [],
    longFrames: [],
    videoFrames: 0,
  };
  window.__benchProbe = probe;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (probe.recording) probe.longTasks.push({ start: e.startTime, duration: e.duration });
    }
  }).observe({ type: 'longtask', buffered: true });
  // Long Animation Frames (Chromium ≥ 123; not in TypeScript's DOM types yet): which script made
  // a frame long. The entry and its scripts are read through a minimal local type.
  interface ScriptTiming {
    duration: number;
    invoker: string;
    sourceURL: string;
  }
  new PerformanceObserver((list) => {
    if (!probe.recording) return;
    for (const e of list.getEntries()) {
      const frame = e as PerformanceEntry & {
        blockingDuration: number;
        renderStart: number;
        styleAndLayoutStart: number;
        scripts: ScriptTiming[];
      };
      const end = frame.startTime + frame.duration;
      const top = [...frame.scripts].sort((a, b) => b.duration - a.duration)[0];
      const file = top?.sourceURL.split('/').pop() ?? '';
      probe.longFrames.push({
        durationMs: frame.duration,
        blockingMs: frame.blockingDuration,
        script: top === undefined ? 'no script' : `${top.invoker}${file ? ` (${file})` : ''}`,
        scriptMs: top?.duration ?? 0,
        renderMs: frame.renderStart > 0 ? end - frame.renderStart : 0,
        styleLayoutMs: frame.styleAndLayoutStart > 0 ? end - frame.styleAndLayoutStart : 0,
      });
    }
  }).observe({ type: 'long-animation-frame' });
  const check = () => {
    const el = document.querySelector('[data-testid="status"]');
    if (probe.readyAt === null && el?.classList.contains('status-ready')) {
      probe.readyAt = performance.now();
    }
  };
  new MutationObserver(check).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    characterData: true,
  });
  let last: number | null = null;
  const tick = (t: number) => {
    if (probe.recording && last !== null) probe.rafGaps.push(t - last);
    last = t;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/**
 * Prepended to the inference worker's script (cold visit only): records every WebAssembly.Memory
 * the worker creates, so its size can be read (onnxruntime keeps its Module private; CDP's
 * Runtime.queryObjects never answered in the threaded worker). ORT's pthread workers load the same
 * file; for them it is inert. Same approach as e2e/endurance.spec.ts.
 */
const WASM_MEMORY_PRELUDE = `
if (!self.__benchWasmBytes) {
  const memories = [];
  const Base = WebAssembly.Memory;
  WebAssembly.Memory = class extends Base {
    constructor(descriptor) { super(descriptor); memories.push(new WeakRef(this)); }
  };
  self.__benchWasmBytes = () =>
    memories.reduce((n, r) => n + (r.deref()?.buffer.byteLength ?? 0), 0);
}
`;

async function instrumentWorker(context: BrowserContext): Promise<void> {
  await context.route('**/assets/inference.worker-*.js', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: WASM_MEMORY_PRELUDE + (await response.text()) });
  });
}

/**
 * The inference worker's WASM memory bytes (null when the prelude is not there). ORT's pthread
 * workers sit in Atomics.wait and never answer an evaluate, hence the timeout per worker.
 */
async function wasmMemoryBytes(page: Page): Promise<number | null> {
  for (const worker of page.workers()) {
    const probe = worker
      .evaluate(() => {
        const scope = self as unknown as { name: string; __benchWasmBytes?: () => number };
        return { name: scope.name, bytes: scope.__benchWasmBytes?.() ?? null };
      })
      .catch(() => null);
    const found = await Promise.race([probe, sleep(2000).then(() => null)]);
    if (found?.name === 'mone-inference') return found.bytes;
  }
  return null;
}

export function makeCameraClip(): { file: string; width: number; height: number; fps: number } {
  const file = join(RESULTS_DIR, 'fake-camera.y4m');
  const source = join(ROOT, 'public', 'samples', 'moving_right-0.mp4');
  if (!existsSync(file) || statSync(file).mtimeMs < statSync(source).mtimeMs) {
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', source, '-pix_fmt', 'yuv420p', file]);
  }
  const probe = execFileSync('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height,r_frame_rate',
    '-of',
    'csv=p=0',
    file,
  ])
    .toString()
    .trim()
    .split(',');
  const [num, den] = (probe[2] ?? '0/1').split('/').map(Number);
  return { file, width: Number(probe[0]), height: Number(probe[1]), fps: num! / (den || 1) };
}

/** Chromium with `cameraFile` as its camera (a persistent profile, so visits can share a cache). */
export async function launchWithCamera(
  profile: string,
  cameraFile: string,
  serviceWorkers: 'allow' | 'block' = 'allow',
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    serviceWorkers,
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${cameraFile}`,
    ],
    permissions: ['camera'],
  });
}

async function launch(
  profile: string,
  cameraFile: string,
  serviceWorkers: 'allow' | 'block' = 'allow',
): Promise<BrowserContext> {
  const context = await launchWithCamera(profile, cameraFile, serviceWorkers);
  await context.addInitScript(installProbe);
  return context;
}

async function openUntilReady(
  context: BrowserContext,
  url: string,
): Promise<{ page: Page; readyMs: number }> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => log(`[app page error] ${err.message}`));
  await page.goto(url);
  await page.waitForFunction(() => window.__benchProbe?.readyAt != null, undefined, {
    timeout: 180_000,
    polling: 50,
  });
  const readyMs = await page.evaluate(() => window.__benchProbe!.readyAt!);
  return { page, readyMs };
}

export type Streaming = AppResult['streaming'];

/** Starts the camera, lets it settle, then measures clips/s and responsiveness for `seconds`. */
async function streamWindow(page: Page, windowSeconds: number): Promise<Streaming> {
  await page.getByTestId('camera-start').click();
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="runs"]')?.textContent ?? '0') > 5,
    undefined,
    { timeout: 60_000 },
  );
  await sleep(5000); // settle: wasm tier-up, first GC
  const runsOf = () =>
    page.evaluate(() => ({
      runs: Number(document.querySelector('[data-testid="runs"]')?.textContent ?? '0'),
      at: performance.now(),
    }));
  await page.evaluate(() => {
    const probe = window.__benchProbe!;
    probe.rafGaps = [];
    probe.longTasks = [];
    probe.longFrames = [];
    probe.videoFrames = 0;
    probe.windowStart = performance.now();
    probe.recording = true;
    const video = document.querySelector('video');
    const count = () => {
      if (!probe.recording) return;
      probe.videoFrames++;
      video?.requestVideoFrameCallback(count);
    };
    video?.requestVideoFrameCallback(count);
  });
  const start = await runsOf();
  await sleep(windowSeconds * 1000);
  const end = await runsOf();
  const probe = await page.evaluate(() => {
    const p = window.__benchProbe!;
    p.recording = false;
    return {
      rafGaps: p.rafGaps,
      longTasks: p.longTasks,
      longFrames: p.longFrames,
      videoFrames: p.videoFrames,
    };
  });
  const seconds = (end.at - start.at) / 1000;
  const longTaskMs = probe.longTasks.reduce((s, t) => s + t.duration, 0);
  const streaming = {
    seconds,
    runs: end.runs - start.runs,
    clipsPerSecond: (end.runs - start.runs) / seconds,
    cameraFps: probe.videoFrames / seconds,
    appClipsPerSecond: await text(page, 'clips-per-second'),
    appLatencyP50: await text(page, 'latency-p50'),
    appLatencyP95: await text(page, 'latency-p95'),
    rafGapP50Ms: percentile(probe.rafGaps, 50),
    rafGapP99Ms: percentile(probe.rafGaps, 99),
    rafGapMaxMs: probe.rafGaps.length > 0 ? Math.max(...probe.rafGaps) : Number.NaN,
    longTasks: probe.longTasks.length,
    longTaskMaxMs: probe.longTasks.reduce((m, t) => Math.max(m, t.duration), 0),
    longTaskShare: longTaskMs / (seconds * 1000),
    longFrames: probe.longFrames,
  };
  return streaming;
}

const wasmThreadsText = (page: Page) =>
  page
    .locator('dt', { hasText: 'WASM threads' })
    .locator('xpath=following-sibling::dd[1]')
    .textContent();

const text = async (page: Page, testId: string) =>
  ((await page.getByTestId(testId).textContent()) ?? '').trim();

export async function appBench(opts: {
  site: string;
  /** The model's id in the site's models/index.json (?model=). */
  model: string;
  seconds: number;
  modelFps: number;
}): Promise<AppResult> {
  const camera = makeCameraClip();
  const server = await serve(opts.site, true);
  const profile = mkdtempSync(join(tmpdir(), 'mone-bench-profile-'));
  const url = `${server.url}/?backend=wasm&ec=0.5&model=${encodeURIComponent(opts.model)}`;
  try {
    // Cold: empty profile (no HTTP cache, no Cache Storage).
    let context = await launch(profile, camera.file);
    await instrumentWorker(context);
    const cold = await openUntilReady(context, url);
    log(`app: ready cold in ${(cold.readyMs / 1000).toFixed(2)} s`);
    const page = cold.page;
    const backendText = await text(page, 'backend');
    const isolated = await page.evaluate(() => crossOriginIsolated);

    const streaming = await streamWindow(page, opts.seconds);
    log(
      `app: ${streaming.clipsPerSecond.toFixed(2)} clips/s over ${streaming.seconds.toFixed(1)} s`,
    );
    for (const fr of streaming.longFrames) {
      log(
        `app: long frame ${fr.durationMs.toFixed(0)} ms: ${fr.script} ${fr.scriptMs.toFixed(0)} ms, ` +
          `render ${fr.renderMs.toFixed(0)} ms (style+layout ${fr.styleLayoutMs.toFixed(0)})`,
      );
    }
    const mainThread = await profileMainThread(page, Math.min(opts.seconds, 10)).catch(
      (err: unknown) => {
        log(`app: main-thread profile failed (${String(err)})`);
        return null;
      },
    );
    const workers = await workerMemory(page).catch((err: unknown) => {
      log(`app: worker memory not read (${String(err)})`);
      return [] as WorkerMemory[];
    });
    const main = workers.find((w) => w.title === 'mone-inference') ?? workers[0] ?? null;
    const wasmBytes = await wasmMemoryBytes(page);
    log('app: measureUserAgentSpecificMemory (Chromium may take up to a minute)');
    const measureStarted = Date.now();
    const attribution = await measureWorkers(page).catch((err: unknown) => {
      log(`app: measureUserAgentSpecificMemory failed (${String(err)})`);
      return null;
    });
    const measureMs = attribution === null ? null : Date.now() - measureStarted;
    const inference = attribution?.find((a) => a.url.includes('inference.worker')) ?? null;
    const threadsText = await wasmThreadsText(page);
    await context.close();

    // Cached: the same profile again (HTTP cache + the model in Cache Storage), twice.
    const cachedMs: number[] = [];
    const downloads: string[] = [];
    for (let visit = 0; visit < 2; visit++) {
      context = await launch(profile, camera.file);
      const again = await openUntilReady(context, url);
      cachedMs.push(again.readyMs);
      downloads.push(
        `model downloads ${await text(again.page, 'model-downloads')}, ${await text(again.page, 'download-progress')}`,
      );
      await context.close();
      log(`app: ready cached (visit ${visit + 2}) in ${(again.readyMs / 1000).toFixed(2)} s`);
    }
    // A/B without the charts: charts chunk blocked, in a profile of its own with service workers
    // blocked. In the visits' profile the registered service worker serves the chunk from its
    // precache, where page routes never see the request: "blocked" pages showed the charts.
    const bareProfile = mkdtempSync(join(tmpdir(), 'mone-bench-bare-'));
    context = await launch(bareProfile, camera.file, 'block');
    await context.route('**/Charts-*.js', (route) => route.abort());
    const bare = await openUntilReady(context, url);
    const withoutCharts = await streamWindow(bare.page, opts.seconds);
    const bareRuntime = `${await text(bare.page, 'backend')}, ${await wasmThreadsText(bare.page)} threads`;
    const chartsShown = await bare.page.getByTestId('latency-chart').count();
    await context.close();
    rmSync(bareProfile, { recursive: true, force: true });
    log(
      `app without charts: ${withoutCharts.clipsPerSecond.toFixed(2)} clips/s ` +
        `(${bareRuntime}; latency chart ${chartsShown > 0 ? 'shown: the block did not hold' : 'absent'}; ` +
        `p50 ${withoutCharts.appLatencyP50})`,
    );
    return {
      url: url.replace(server.url, ''),
      camera: { ...camera, file: camera.file.replace(`${ROOT}/`, '') },
      modelFps: opts.modelFps,
      backend: {
        backend: backendText,
        threads: Number.parseInt(threadsText ?? '0', 10),
        crossOriginIsolated: isolated,
      },
      readyColdMs: cold.readyMs,
      readyCachedMs: Math.max(...cachedMs),
      readyCachedVisitsMs: cachedMs,
      cachedVisitDownloads: downloads,
      streaming,
      withoutCharts,
      mainThread,
      memory: {
        jsHeapUsedBytes: main?.jsHeapUsedBytes ?? null,
        jsHeapTotalBytes: main?.jsHeapTotalBytes ?? null,
        workerTotalBytes: inference?.bytes ?? null,
        wasmMemoryBytes: wasmBytes,
        measureMs,
        workers,
      },
    };
  } finally {
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
