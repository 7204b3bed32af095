/**
 * Shared steps for the app specs: open the app and wait for "Ready" on the project's backend,
 * read what the page shows (top-1, heatmap counts, runs), log every request, record one entry per
 * classified clip, and save screenshots into e2e-artifacts/.
 *
 * Everything here reads the page the way a user sees it (the components' `data-testid` hooks);
 * nothing reaches into the app's store.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, CDPSession, Page, TestInfo } from '@playwright/test';
import type { ModelMetadata } from '../src/model/metadata';
import { weightsPlans } from '../src/model/weights';
import { countsFor } from '../src/store/budgetMath';
import type { Backend } from './fixtures';
import { expect, test } from './fixtures';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const publicPath = (rel: string) =>
  fileURLToPath(new URL(`../public/${rel}`, import.meta.url));

export interface Sample {
  file: string;
  label: string;
}

/** A JSON file under public/ (the files the app serves), e.g. 'models/mone-vivit-s.json'. */
export const readJson = (rel: string): unknown => JSON.parse(readFileSync(publicPath(rel), 'utf8'));
export const meta = readJson('models/mone-vivit-s.json') as ModelMetadata;
export const samples = (readJson('samples/index.json') as { samples: Sample[] }).samples;
export const MODEL_FILE = meta.model_file;
/** The shipped model's weight files: model_file (fp32) and its weight_files (int8 for WASM). */
export const WEIGHT_FILES = [MODEL_FILE, ...(meta.weight_files ?? []).map((w) => w.file)];
/** A route glob for every weight file of the shipped model (`mone-vivit-s*.onnx`). */
export const WEIGHT_FILES_GLOB = `**/${meta.name}*.onnx*`;
/** The file the app loads on `backend` by default (src/model/weights.ts): int8 on WASM. */
export const weightsFileFor = (backend: Backend) => weightsPlans(meta, backend, 'auto')[0]!.file;

/**
 * Model download + warm-up of every budget level. WASM: a few seconds. WebGPU here is SwiftShader
 * (software): ~2.5 s per run, ~40 s to warm up the 11 levels, more while training shares the CPU.
 */
export const readyTimeout = (backend: Backend) => (backend === 'webgpu' ? 150_000 : 60_000);
/** One classified clip, worst case (WebGPU's software adapter). */
export const clipTimeout = (backend: Backend) => (backend === 'webgpu' ? 30_000 : 10_000);

export const screenshotPath = (name: string) => `e2e-artifacts/${name}.png`;

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(name), fullPage: true });
}

/** Page errors and console errors show up in the test output (the app must never fail silently). */
export function logPageProblems(page: Page, tag = 'page'): void {
  page.on('pageerror', (err) => console.log(`[${tag} error] ${err.message}`));
}

/**
 * WebGPU tests skip only when the browser has no adapter at all (printed); with one, a test that
 * cannot get WebGPU fails.
 */
export async function skipWithoutAdapter(page: Page, backend: Backend): Promise<void> {
  if (backend !== 'webgpu') return;
  const hasAdapter = await page.evaluate(async () => {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    return gpu !== undefined && (await gpu.requestAdapter()) !== null;
  });
  const reason = 'navigator.gpu.requestAdapter() returned null: no WebGPU adapter in this browser';
  if (!hasAdapter) console.log(`[${test.info().titlePath.join(' › ')}] skipping: ${reason}`);
  test.skip(!hasAdapter, reason);
}

/** Opens the app on the project's backend, waits for "Ready" and asserts the backend it runs on. */
export async function openApp(page: Page, appPath: string, backend: Backend): Promise<void> {
  logPageProblems(page);
  await page.goto(appPath);
  await skipWithoutAdapter(page, backend);
  await expect(page.getByTestId('status')).toContainText('Ready', {
    timeout: readyTimeout(backend),
  });
  await expect(page.getByTestId('backend')).toHaveText(backend);
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
}

// ---------------------------------------------------------------------------------------------
// what the page shows
// ---------------------------------------------------------------------------------------------
export const runsOf = async (page: Page) =>
  Number((await page.getByTestId('runs').textContent()) ?? 'NaN');

export const countsOf = async (page: Page) =>
  JSON.parse((await page.getByTestId('heatmap').getAttribute('data-counts')) ?? '[]') as number[];

export const top1Of = (page: Page) => page.getByTestId('top1').getAttribute('data-label');

/** Waits until the page shows at least `n` classified clips in total. */
export async function waitForRuns(page: Page, n: number, timeout: number): Promise<number> {
  await expect
    .poll(() => runsOf(page), {
      timeout,
      intervals: [100, 200],
      message: `waiting for ${n} classified clips`,
    })
    .toBeGreaterThanOrEqual(n);
  return runsOf(page);
}

/** Waits for `k` more classified clips than the page shows now. */
export async function waitForMoreRuns(page: Page, k: number, timeout: number): Promise<number> {
  return waitForRuns(page, (await runsOf(page)) + k, timeout);
}

/** Moves the budget slider to `ec` and waits until a clip ran at it (tokens per expert shown). */
export async function setBudget(page: Page, meta: ModelMetadata, ec: number, backend: Backend) {
  await page.getByTestId('budget-slider').fill(String(ec));
  await expect(page.getByTestId('ec-value')).toHaveText(ec.toFixed(2));
  await expect
    .poll(() => countsOf(page), { timeout: 3 * clipTimeout(backend) })
    .toEqual(countsFor(meta, ec));
  await expect(page.getByTestId('heatmap')).toHaveAttribute('data-ec', String(ec));
}

/** The patch → expert colouring the heatmap draws (one fill per cell), as one string. */
export const heatmapFills = (page: Page) =>
  page
    .getByTestId('heatmap')
    .evaluate((el) =>
      Array.from(el.querySelectorAll('rect'), (r) => r.getAttribute('fill') ?? '').join(','),
    );

// ---------------------------------------------------------------------------------------------
// per-clip log, recorded in the page
// ---------------------------------------------------------------------------------------------
export interface RunRecord {
  /** The page's "Clips classified" counter after this clip. */
  readonly run: number;
  /** "Last run" latency the page shows (model run, ms). */
  readonly ms: number;
  /** e_c the shown clip ran at (heatmap data-ec). */
  readonly ec: number;
  /** Slider position at that moment. */
  readonly sliderEc: number;
  /** The top-1 class shown after this clip (data-label), null when none is shown. */
  readonly top1: string | null;
}

declare global {
  interface Window {
    __runLog?: RunRecord[];
  }
}

/**
 * Records one entry per classified clip, from a MutationObserver on the "Clips classified" counter:
 * React commits the counter, the last-run latency and the heatmap in one update, so each entry
 * is consistent (polling from the test would miss clips at ~10 per second).
 */
export async function startRunLog(page: Page): Promise<void> {
  await page.evaluate(() => {
    const byId = (id: string) => document.querySelector(`[data-testid="${id}"]`);
    const log: RunRecord[] = [];
    window.__runLog = log;
    let last = byId('runs')?.textContent;
    new MutationObserver(() => {
      const text = byId('runs')?.textContent;
      if (text === last) return;
      last = text;
      log.push({
        run: Number(text),
        ms: Number.parseFloat(byId('latency-last')?.textContent ?? ''),
        ec: Number(byId('heatmap')?.getAttribute('data-ec')),
        sliderEc: Number((byId('budget-slider') as HTMLInputElement | null)?.value),
        top1: byId('top1')?.getAttribute('data-label') ?? null,
      });
    }).observe(byId('runs')!, { childList: true, characterData: true, subtree: true });
  });
}

export const runLog = (page: Page) => page.evaluate(() => window.__runLog ?? []);

/** The label shown most often (ties: the one shown last). */
export function mostShown(labels: readonly (string | null)[]): string | null {
  const n = new Map<string | null, number>();
  for (const l of labels) n.set(l, (n.get(l) ?? 0) + 1);
  let best: string | null = null;
  let bestN = 0;
  for (const l of labels) if (n.get(l)! >= bestN) [best, bestN] = [l, n.get(l)!];
  return best;
}

export interface SampleReading {
  readonly label: string;
  /** The top-1 shown most often from the `settle`-th clip on. */
  readonly shown: string | null;
  /** The top-1 shown after each of the first `clips` clips. */
  readonly sequence: (string | null)[];
}

/**
 * Plays every bundled sample from the picker (restarted, so each is read from a fresh clip) and
 * reads the top-1 the page shows after each of `clips` clips; startRunLog must have run. A sample
 * is 16 model frames (1.6 s) and loops: 9 clips per loop; the first clips after a switch are the
 * loop's first 0.8 s, where the model is least sure, so `settle` skips them.
 */
export async function readSamples(
  page: Page,
  backend: Backend,
  settle: number,
  clips: number,
  after: (sample: Sample) => Promise<void> = () => Promise.resolve(),
): Promise<SampleReading[]> {
  const top1 = page.getByTestId('top1');
  const select = page.getByTestId('sample-select');
  const readings: SampleReading[] = [];
  for (const sample of samples) {
    await select.selectOption(sample.file);
    await page.getByTestId('sample-play').click();
    await expect(page.getByTestId('source-label')).toContainText(sample.label.replace(/_/g, ' '));
    await expect(top1).toBeHidden(); // the previous source's prediction is cleared
    const from = (await runLog(page)).length;
    await waitForRuns(page, (await runsOf(page)) + clips, (clips + 2) * clipTimeout(backend));
    const sequence = (await runLog(page)).slice(from, from + clips).map((r) => r.top1);
    readings.push({ label: sample.label, shown: mostShown(sequence.slice(settle - 1)), sequence });
    await after(sample);
  }
  return readings;
}

export const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

// ---------------------------------------------------------------------------------------------
// network
// ---------------------------------------------------------------------------------------------
/**
 * Every request of the context: pages, their dedicated workers (ORT's pthread workers included)
 * and service workers. Start it before the first navigation.
 */
export function logRequests(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (r) => urls.push(r.url()));
  return urls;
}

/** A request for any weight file of the shipped model. */
export const isModelUrl = (url: string) =>
  WEIGHT_FILES.some((file) => new URL(url).pathname.endsWith(`/${file}`));

// ---------------------------------------------------------------------------------------------
// media fixtures (made at test time with ffmpeg; never committed)
// ---------------------------------------------------------------------------------------------
const FIXTURES = fileURLToPath(new URL('../test-results/e2e-fixtures/', import.meta.url));

/**
 * A camera feed for Chromium's fake capture device: two sample clips back to back, scaled into a
 * 320x240 frame with the clip centred (the model's centre square is exactly the clip), as .y4m.
 * Returns the absolute path.
 */
export function makeCameraY4m(files: readonly string[]): string {
  const inputs = files.flatMap((f) => ['-i', publicPath(`samples/${f}`)]);
  const streams = files.map((_, i) => `[${i}:v]`).join('');
  return makeMedia('camera.y4m', [
    ...inputs,
    '-filter_complex',
    `${streams}concat=n=${files.length}:v=1:a=0,scale=240:240,pad=320:240:40:0,format=yuv420p[v]`,
    ...['-map', '[v]'],
  ]);
}

/** A file made by ffmpeg under FIXTURES (`args`: inputs and options); returns its absolute path. */
function makeMedia(name: string, args: readonly string[]): string {
  mkdirSync(FIXTURES, { recursive: true });
  const out = `${FIXTURES}${name}`;
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args, out]);
  return out;
}

/** One second of a 440 Hz tone and no video track: Opus in WebM, or AAC in MP4. */
export const makeAudioOnlyFile = (container: 'webm' | 'mp4'): string =>
  makeMedia(`audio-only.${container}`, [
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1'],
    ...(container === 'webm' ? ['-c:a', 'libopus'] : ['-c:a', 'aac']),
    ...['-b:a', '16k'],
  ]);

/** The first `seconds` of a sample clip, re-encoded (H.264, no audio): shorter than a model clip. */
export const makeShortClip = (file: string, seconds: number): string =>
  makeMedia(`short-${seconds}s-${file}`, [
    ...['-i', publicPath(`samples/${file}`), '-t', String(seconds)],
    ...['-an', '-c:v', 'libx264', '-pix_fmt', 'yuv420p'],
  ]);

/** Launch options of this project plus `extra` flags (a separate browser, e.g. a fake camera). */
export function launchOptionsWith(testInfo: TestInfo, extra: string[], drop: string[] = []) {
  const launch = testInfo.project.use.launchOptions ?? {};
  const args = (launch.args ?? []).filter((a) => !drop.includes(a));
  return { ...launch, args: [...args, ...extra] };
}

// ---------------------------------------------------------------------------------------------
// memory via the Chrome DevTools Protocol
// ---------------------------------------------------------------------------------------------
interface HeapUsage {
  usedSize: number;
  totalSize: number;
}

/**
 * CDP access to the inference worker (the dedicated worker named "mone-inference", not ORT's
 * "em-pthread" workers). Playwright gives CDP sessions for pages only, so this attaches to the
 * worker target through the page's session (non-flat) and exchanges raw protocol messages.
 */
export class WorkerDevtools {
  private nextId = 0;
  private readonly pending = new Map<number, (m: { result?: unknown; error?: unknown }) => void>();

  private readonly cdp: CDPSession;
  private readonly sessionId: string;

  private constructor(cdp: CDPSession, sessionId: string) {
    this.cdp = cdp;
    this.sessionId = sessionId;
    cdp.on('Target.receivedMessageFromTarget', (ev) => {
      if (ev.sessionId !== sessionId) return;
      const message = JSON.parse(ev.message) as { id?: number; result?: unknown; error?: unknown };
      const resolve = message.id === undefined ? undefined : this.pending.get(message.id);
      if (resolve === undefined) return;
      this.pending.delete(message.id!);
      resolve(message);
    });
  }

  static async attach(cdp: CDPSession, title: string): Promise<WorkerDevtools> {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const target = targetInfos.find((t) => t.type === 'worker' && t.title === title);
    if (target === undefined) throw new Error(`no worker target named ${title}`);
    const { sessionId } = await cdp.send('Target.attachToTarget', {
      targetId: target.targetId,
      flatten: false,
    });
    return new WorkerDevtools(cdp, sessionId);
  }

  send<T>(method: string, params: object = {}, timeoutMs = 15_000): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`worker CDP ${method} timed out`));
      }, timeoutMs);
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        if (m.error !== undefined) reject(new Error(`${method}: ${JSON.stringify(m.error)}`));
        else resolve(m.result as T);
      });
      this.cdp
        .send('Target.sendMessageToTarget', {
          sessionId: this.sessionId,
          message: JSON.stringify({ id, method, params }),
        })
        .catch(reject);
    });
  }

  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send<{ result: { value: T }; exceptionDetails?: unknown }>(
      'Runtime.evaluate',
      { expression, returnByValue: true },
    );
    if (r.exceptionDetails !== undefined) throw new Error(JSON.stringify(r.exceptionDetails));
    return r.result.value;
  }

  /** Used JS heap after a full garbage collection (what is retained, not garbage). */
  async heapAfterGc(): Promise<number> {
    await this.send('HeapProfiler.collectGarbage');
    return (await this.send<HeapUsage>('Runtime.getHeapUsage')).usedSize;
  }
}
