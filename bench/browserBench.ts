/**
 * (b) Headless Chromium: latency per clip on the real inference worker (bench/page/bench.html →
 * src/client/inferenceClient.ts → the worker), one worker per model, WASM with 1 thread (page
 * not cross-origin isolated, as on a host without COOP/COEP) and with all threads (isolated: 2
 * here), and WebGPU (the software SwiftShader adapter here: few runs, labelled as such). Each
 * round sweeps every budget once (order rotated per round) on the MoNE worker and runs the dense
 * worker once, so configs are interleaved. Times are the worker's own session.run timing
 * (ModelRunner.run).
 *
 * Also: node placement under WebGPU from onnxruntime's verbose log, and the workers' memory.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';
import type { BenchInit } from './page/api';
import type { Config, ModelFiles, Series } from './common';
import { log, ROOT, rotate, summarize } from './common';
import type { WorkerMemory } from './cdp';
import { workerMemory } from './cdp';
import { BENCH_PAGE, serve } from './site';

export interface BackendInfo {
  readonly backend: string;
  readonly threads: number;
  readonly crossOriginIsolated: boolean;
  readonly reason: string;
  readonly adapter: unknown;
  readonly initMs: number | null;
  readonly warmupMs: number | null;
}

export interface Placement {
  /** Whether the verbose log contained node placement lines at all. */
  readonly parsed: boolean;
  /** Nodes per execution provider. */
  readonly nodesByProvider: Record<string, number>;
  /** "OpType (node name)" of every node on the CPU EP. */
  readonly cpuNodes: readonly string[];
  readonly cpuByScope: Record<string, number>;
  /** CPU nodes inside spatial_block_* (target: none). */
  readonly blockNodesOnCpu: readonly string[];
  /** Memcpy nodes ORT inserted between the EPs. */
  readonly memcpyNodes: number;
}

export interface BrowserResult {
  readonly versions: { chromium: string; onnxruntimeWeb: string };
  readonly backends: Record<string, BackendInfo>;
  readonly series: Series[];
  readonly placement: Placement | null;
  readonly workerMemory: Record<string, WorkerMemory[]>;
  readonly errors: string[];
}

interface Options {
  readonly site: string;
  readonly mone: ModelFiles;
  readonly dense: ModelFiles | null;
  readonly configs: readonly Config[];
  readonly wasmRounds: number;
  readonly webgpuReps: number;
}

type Budget = { ec: number; counts: number[] };

const budgetOf = (c: Config): Budget => ({ ec: c.ec ?? 1, counts: [...c.counts] });

async function openBench(context: BrowserContext, origin: string, logs: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (err) => logs.push(`[page error] ${err.message}`));
  page.on('worker', (worker) => {
    worker.on('console', (msg: ConsoleMessage) => logs.push(msg.text()));
  });
  await page.goto(`${origin}/${BENCH_PAGE}`);
  await page.waitForFunction(() => window.__bench !== undefined);
  return page;
}

function golden(model: ModelFiles) {
  const { meta } = model;
  return {
    url: `/models/golden/${basename(model.goldenPath)}`,
    frames: meta.video.frames,
    height: meta.video.height,
    width: meta.video.width,
  };
}

async function initSlot(
  page: Page,
  slot: string,
  model: ModelFiles,
  backend: 'wasm' | 'webgpu',
  warmupLevels: number[],
  verboseLogs = false,
): Promise<BenchInit> {
  const metadataUrl = `/models/${model.meta.model_file.replace(/\.onnx$/, '.json')}`;
  const outcome = await page.evaluate(
    ([s, url, b, levels, verbose]) =>
      window.__bench!.init(s, url, b, { warmupLevels: levels, verboseLogs: verbose }),
    [slot, metadataUrl, backend, warmupLevels, verboseLogs] as const,
  );
  if (outcome.error !== null) throw new Error(`${slot} on ${backend}: ${outcome.error.message}`);
  const g = golden(model);
  await page.evaluate(([s, url, frames, h, w]) => window.__bench!.feed(s, url, frames, h, w), [
    slot,
    g.url,
    g.frames,
    g.height,
    g.width,
  ] as const);
  return outcome;
}

/** One sweep on a slot: ms per budget (ec → ms), in the order given. */
async function sweepOnce(page: Page, slot: string, budgets: Budget[]): Promise<number[]> {
  for (let attempt = 0; ; attempt++) {
    const result = await page.evaluate(([s, b]) => window.__bench!.sweep(s, b, 1), [
      slot,
      budgets,
    ] as const);
    if (result.type === 'sweepResult') return result.points.map((p) => p.medianRunMs);
    // The clip may still be arriving right after feed(): retry briefly.
    if (result.code !== 'no-clip' || attempt > 20) throw new Error(`${slot}: ${result.message}`);
    await page.waitForTimeout(100);
  }
}

function info(init: BenchInit): BackendInfo {
  return {
    backend: init.ready?.backend ?? 'unknown',
    threads: init.backend?.threads ?? 0,
    crossOriginIsolated: init.backend?.crossOriginIsolated ?? false,
    reason: init.backend?.reason ?? '',
    adapter: init.backend?.adapter ?? null,
    initMs: init.ready?.initMs ?? null,
    warmupMs: init.ready?.warmupMs ?? null,
  };
}

/**
 * Interleaved rounds on one page: per round the MoNE worker sweeps `moneConfigs` (rotated) once
 * and the dense worker runs once, in alternating order.
 */
async function interleaved(
  page: Page,
  moneConfigs: readonly Config[],
  denseConfig: Config | null,
  rounds: number,
  label: string,
): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>();
  const add = (id: string, ms: number) => samples.set(id, [...(samples.get(id) ?? []), ms]);
  const started = Date.now();
  for (let r = 0; r < rounds; r++) {
    const order = rotate(moneConfigs, r);
    const runMone = async () => {
      const times = await sweepOnce(page, 'mone', order.map(budgetOf));
      order.forEach((c, i) => add(c.id, times[i]!));
    };
    const runDense = async () => {
      if (denseConfig === null) return;
      const [ms] = await sweepOnce(page, 'dense', [budgetOf(denseConfig)]);
      add(denseConfig.id, ms!);
    };
    if (r % 2 === 0) {
      await runMone();
      await runDense();
    } else {
      await runDense();
      await runMone();
    }
    if (r % 10 === 9 || r === rounds - 1) {
      log(`${label}: ${r + 1}/${rounds} rounds (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
  }
  return samples;
}

/** Runs sweeps for `seconds` and throws the times away (wasm tier-up, caches). */
async function settle(page: Page, configs: readonly Config[], hasDense: boolean, seconds: number) {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    await sweepOnce(page, 'mone', configs.map(budgetOf));
    if (hasDense) await sweepOnce(page, 'dense', [{ ec: 1, counts: [...configs.at(-1)!.counts] }]);
  }
}

async function wasmSeries(
  browser: Browser,
  opts: Options,
  isolated: boolean,
  logs: string[],
): Promise<{ series: Series; backend: BackendInfo; memory: WorkerMemory[] }> {
  const server = await serve(opts.site, isolated);
  const context = await browser.newContext();
  try {
    const page = await openBench(context, server.url, logs);
    log(`${isolated ? 'isolated' : 'not isolated'} page open at ${server.url}; loading the models`);
    const levels = opts.configs.filter((c) => c.model === 'mone').map((c) => c.ec!);
    const init = await initSlot(page, 'mone', opts.mone, 'wasm', levels);
    if (opts.dense !== null) await initSlot(page, 'dense', opts.dense, 'wasm', [1]);
    const backend = info(init);
    const key = `wasm-${isolated ? 'all' : '1'}`;
    log(`${key}: ${backend.threads} thread(s), crossOriginIsolated ${backend.crossOriginIsolated}`);
    const moneConfigs = opts.configs.filter((c) => c.model === 'mone');
    const denseConfig = opts.configs.find((c) => c.model === 'dense') ?? null;
    // browser-runtime.md: timings are noisy for ~5–10 s after load while the wasm tiers up.
    await settle(page, moneConfigs, denseConfig !== null, opts.wasmRounds >= 20 ? 8 : 2);
    const samples = await interleaved(page, moneConfigs, denseConfig, opts.wasmRounds, key);
    const memory = await workerMemory(page).catch((err: unknown) => {
      logs.push(`[bench] worker memory: ${String(err)}`);
      return [];
    });
    const threads = backend.threads;
    return {
      series: {
        backend: `wasm-${threads}t`,
        label: `Chromium WASM ${threads} thread${threads > 1 ? 's' : ''}${isolated ? ' (cross-origin isolated)' : ' (not isolated)'}`,
        notes: [
          'real inference worker (inference client → worker), session.run timed in the worker',
          `${opts.wasmRounds} interleaved rounds after ${opts.wasmRounds >= 20 ? 8 : 2} s of settling`,
        ],
        rows: summarize(opts.configs, samples),
      },
      backend,
      memory,
    };
  } finally {
    await context.close();
    await server.close();
  }
}

export function parsePlacement(lines: readonly string[]): Placement {
  const nodesByProvider: Record<string, number> = {};
  const cpuNodes: string[] = [];
  let provider: string | null = null;
  let parsed = false;
  for (const raw of lines) {
    for (const line of raw.split('\n')) {
      const all = /All nodes placed on \[(\w+)\]\. Number of nodes: (\d+)/.exec(line);
      if (all !== null) {
        parsed = true;
        nodesByProvider[all[1]!] = Number(all[2]);
        provider = null;
        continue;
      }
      const some = /Node\(s\) placed on \[(\w+)\]\. Number of nodes: (\d+)/.exec(line);
      if (some !== null) {
        parsed = true;
        provider = some[1]!;
        nodesByProvider[provider] = Number(some[2]);
        continue;
      }
      const node = /\]\s+(\w+) \(([^)]*)\)\s*$/.exec(line);
      if (node !== null && provider === 'CPUExecutionProvider') {
        cpuNodes.push(`${node[1]} (${node[2]})`);
      } else if (!/VerifyEachNodeIsAssignedToAnEp/.test(line)) {
        provider = null;
      }
    }
  }
  const cpuByScope: Record<string, number> = {};
  for (const n of cpuNodes) {
    const name = /\((.*)\)/.exec(n)?.[1] ?? '';
    const scope = name.includes('/') ? name.split('/')[0]! : '(unscoped)';
    cpuByScope[scope] = (cpuByScope[scope] ?? 0) + 1;
  }
  return {
    parsed,
    nodesByProvider,
    cpuNodes,
    cpuByScope,
    blockNodesOnCpu: cpuNodes.filter((n) => n.includes('spatial_block_')),
    memcpyNodes: cpuNodes.filter((n) => n.startsWith('Memcpy')).length,
  };
}

async function webgpu(
  browser: Browser,
  opts: Options,
  logs: string[],
): Promise<{ series: Series | null; backend: BackendInfo | null; placement: Placement | null }> {
  const server = await serve(opts.site, true);
  try {
    // Placement: a session created with verbose logging (its own page: verbose runs are slow).
    const verboseContext = await browser.newContext();
    const verboseLogs: string[] = [];
    let placement: Placement | null = null;
    try {
      const page = await openBench(verboseContext, server.url, verboseLogs);
      if (!(await page.evaluate(() => window.__bench!.hasAdapter()))) {
        logs.push('[bench] no WebGPU adapter: WebGPU skipped');
        return { series: null, backend: null, placement: null };
      }
      await initSlot(page, 'mone', opts.mone, 'webgpu', [0.5], true);
      placement = parsePlacement(verboseLogs);
      if (!placement.parsed) logs.push(...verboseLogs.slice(0, 50));
    } finally {
      await verboseContext.close();
    }
    if (opts.webgpuReps <= 0) return { series: null, backend: null, placement };

    const context = await browser.newContext();
    try {
      const page = await openBench(context, server.url, logs);
      const picked = opts.configs.filter(
        (c) => c.model === 'dense' || [0.15, 0.25, 0.5, 0.75, 1].includes(c.ec!),
      );
      const moneConfigs = picked.filter((c) => c.model === 'mone');
      const denseConfig = picked.find((c) => c.model === 'dense') ?? null;
      const init = await initSlot(page, 'mone', opts.mone, 'webgpu', [1]);
      if (opts.dense !== null) await initSlot(page, 'dense', opts.dense, 'webgpu', [1]);
      log('webgpu (software adapter): compiling shaders for every budget');
      await sweepOnce(page, 'mone', moneConfigs.map(budgetOf)); // one compile per new K
      const samples = await interleaved(page, moneConfigs, denseConfig, opts.webgpuReps, 'webgpu');
      const backend = info(init);
      const adapter = backend.adapter as { isFallbackAdapter?: boolean; vendor?: string } | null;
      return {
        series: {
          backend: 'webgpu-sw',
          label: `Chromium WebGPU, software adapter (${adapter?.vendor ?? '?'}${adapter?.isFallbackAdapter ? ', fallback' : ''}) — not a GPU`,
          notes: [
            'onnxruntime-web/webgpu native EP on SwiftShader; correctness path here, not speed',
            `${opts.webgpuReps} interleaved rounds after one compile sweep`,
          ],
          rows: summarize(picked, samples),
        },
        backend,
        placement,
      };
    } finally {
      await context.close();
    }
  } finally {
    await server.close();
  }
}

export async function browserBench(opts: Options): Promise<BrowserResult> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
  });
  const version = browser.version();
  const logs: string[] = [];
  const backends: Record<string, BackendInfo> = {};
  const series: Series[] = [];
  const memory: Record<string, WorkerMemory[]> = {};
  let placement: Placement | null;
  try {
    for (const isolated of [true, false]) {
      const r = await wasmSeries(browser, opts, isolated, logs);
      series.push(r.series);
      backends[r.series.backend] = r.backend;
      memory[r.series.backend] = r.memory;
    }
    const g = await webgpu(browser, opts, logs);
    if (g.series !== null && g.backend !== null) {
      series.push(g.series);
      backends[g.series.backend] = g.backend;
    }
    placement = g.placement;
  } finally {
    await browser.close();
  }
  const pkg = JSON.parse(
    readFileSync(join(ROOT, 'node_modules', 'onnxruntime-web', 'package.json'), 'utf8'),
  ) as { version: string };
  return {
    versions: { chromium: version, onnxruntimeWeb: pkg.version },
    backends,
    series,
    placement,
    workerMemory: memory,
    errors: logs.filter((l) => /error|fail/i.test(l)).slice(0, 20),
  };
}
