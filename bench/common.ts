/**
 * Shared pieces of `npm run bench`: paths, the two models, the budgets and their GMACs (computed
 * with the app's own budget/MACs code from src/model, so the bench and the slider agree),
 * latency summaries and the result types written to bench-results/bench.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countsForBudget } from '../src/model/budget';
import { percentile } from '../src/model/latencyStats';
import { gmacsForCounts } from '../src/model/macs';
import { parseModelMetadataText } from '../src/model/metadata';
import type { ModelMetadata } from '../src/model/metadata';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS_DIR = join(ROOT, 'bench-results');
export const DOCS_DIR = join(ROOT, 'docs', 'bench');

/**
 * The budgets every latency series measures: the ends of the shipped range and the three ratio
 * targets (TARGET_ECS); the metadata's slider levels are added to them.
 */
export const CORE_ECS = [0.15, 0.25, 0.5, 0.75, 1] as const;
/** Budgets whose ratio is a target (latency ratio ≤ 1.2 × GMACs ratio). */
export const TARGET_ECS = [0.25, 0.5, 0.75] as const;
export const RATIO_TOLERANCE = 1.2;

export interface ModelFiles {
  readonly name: string;
  readonly onnxPath: string;
  readonly metadataPath: string;
  /** The model's own golden clip 0 (THWC uint8 RGB), written by the exporter beside it. */
  readonly goldenPath: string;
  readonly meta: ModelMetadata;
  /** Where the file came from: public/models, --model, --dense / BENCH_DENSE_MODEL. */
  readonly source: string;
}

const PUBLIC_MODELS = join(ROOT, 'public', 'models');
/** The model `npm run bench` measures when --model is not given. */
export const DEFAULT_MODEL = 'mone-vivit-s';

function loadModel(onnxPath: string, source: string): ModelFiles {
  const metadataPath = onnxPath.replace(/\.onnx$/, '.json');
  if (!existsSync(onnxPath)) throw new Error(`model not found: ${onnxPath}`);
  const meta = parseModelMetadataText(readFileSync(metadataPath, 'utf8'));
  const goldenPath = join(dirname(onnxPath), 'golden', `${meta.name}-clip0.u8`);
  return { name: meta.name, onnxPath, metadataPath, goldenPath, meta, source };
}

interface IndexEntry {
  readonly id: string;
  readonly kind: string;
  readonly baseline?: string;
}

/** public/models/index.json's entries (id, kind, baseline). */
export function shippedModels(): IndexEntry[] {
  const index = JSON.parse(readFileSync(join(PUBLIC_MODELS, 'index.json'), 'utf8')) as {
    models: IndexEntry[];
  };
  return index.models;
}

/**
 * The MoNE model to measure: an id from public/models/index.json (default mone-vivit-s), or a
 * path to a MoNE .onnx with its .json and golden/ beside it — e.g. a random-weight export of a
 * config's shape (`python -m mone.export --random mone_b`), whose run time is the trained
 * model's (run time does not depend on the weights).
 */
export function moneModel(spec: string = DEFAULT_MODEL): ModelFiles {
  const isPath = spec.endsWith('.onnx');
  const files = isPath
    ? loadModel(resolve(spec), '--model')
    : loadModel(join(PUBLIC_MODELS, `${spec}.onnx`), 'public/models');
  if (files.meta.variant !== 'mone') throw new Error(`${spec} is not a MoNE model`);
  return files;
}

/**
 * The MoNE model's dense baseline: --dense=PATH (or BENCH_DENSE_MODEL) when given, else the
 * index's `baseline` of a shipped model. Null when there is none.
 */
export function denseModel(flag: string | undefined, mone: ModelFiles): ModelFiles | null {
  const given = flag ?? process.env.BENCH_DENSE_MODEL;
  if (given !== undefined && given !== '') {
    const path = resolve(given.endsWith('.onnx') ? given : join(given, 'vivit-dense-s.onnx'));
    if (!existsSync(path)) throw new Error(`dense model not found: ${path}`);
    return loadModel(path, given === flag ? '--dense' : 'BENCH_DENSE_MODEL');
  }
  if (mone.source !== 'public/models') return null;
  const baseline = shippedModels().find((m) => m.id === mone.name)?.baseline;
  if (baseline === undefined) return null;
  const shipped = join(PUBLIC_MODELS, `${baseline}.onnx`);
  return existsSync(shipped) ? loadModel(shipped, 'public/models') : null;
}

/**
 * The runtime targets of a model (the performance issue's bounds): the gesture model is held to a
 * looser ratio at e_c = 0.25 and a lower clip rate (it does ~9x the MACs of the motion model).
 */
export interface ModelTargets {
  /** Latency ratio / GMACs ratio bound per target budget. */
  readonly ratio: Readonly<Record<(typeof TARGET_ECS)[number], number>>;
  /** Clips per second the app must keep up at e_c = 0.5 on 2-thread WASM. */
  readonly clipsPerSecond: number;
}

/** The motion model's bounds: 1.2× at every target budget, 8 clips/s. Also what results written
 * before targets were per model are judged by. */
export const MOTION_TARGETS: ModelTargets = {
  ratio: { 0.25: RATIO_TOLERANCE, 0.5: RATIO_TOLERANCE, 0.75: RATIO_TOLERANCE },
  clipsPerSecond: 8,
};

export function targetsFor(meta: ModelMetadata): ModelTargets {
  if (meta.name.startsWith('mone-gesture')) {
    return { ratio: { 0.25: 1.35, 0.5: 1.2, 0.75: 1.2 }, clipsPerSecond: 5 };
  }
  return MOTION_TARGETS;
}

/**
 * Where a model's results go: the default model keeps bench-results/bench.json and
 * docs/bench/bench-summary.json; any other model gets its own name in both.
 */
export function outputsFor(model: ModelFiles): { results: string; summary: string; chart: string } {
  if (model.name === DEFAULT_MODEL && model.source === 'public/models') {
    return {
      results: join(RESULTS_DIR, 'bench.json'),
      summary: join(DOCS_DIR, 'bench-summary.json'),
      chart: join(DOCS_DIR, 'latency-vs-gmacs.png'),
    };
  }
  return {
    results: join(RESULTS_DIR, `bench-${model.name}.json`),
    summary: join(DOCS_DIR, `bench-summary-${model.name}.json`),
    chart: join(DOCS_DIR, `latency-vs-gmacs-${model.name}.png`),
  };
}

/** One thing a latency is measured for: a MoNE budget, or the dense model. */
export interface Config {
  /** 'ec=0.5' or 'dense'. */
  readonly id: string;
  readonly model: 'mone' | 'dense';
  /** null for the dense model. */
  readonly ec: number | null;
  readonly counts: readonly number[];
  readonly gmacs: number;
  /** gmacs / gmacs at e_c = 1 (MoNE). */
  readonly gmacsRatio: number;
}

export function ecId(ec: number): string {
  return `ec=${ec}`;
}

/** MoNE budgets (CORE_ECS ∪ budget.levels, ascending), then the dense model if there is one. */
export function configsFor(mone: ModelMetadata, dense: ModelMetadata | null): Config[] {
  const { per_step } = mone.tokens;
  const experts = mone.experts.count;
  const full = gmacsForCounts(mone, countsForBudget(1, per_step, experts));
  const ecs = [...new Set([...CORE_ECS, ...mone.budget.levels])].sort((a, b) => a - b);
  const configs: Config[] = ecs.map((ec) => {
    const counts = countsForBudget(ec, per_step, experts);
    const gmacs = gmacsForCounts(mone, counts);
    return { id: ecId(ec), model: 'mone', ec, counts, gmacs, gmacsRatio: gmacs / full };
  });
  if (dense !== null) {
    // The dense graph ignores expert_counts; every token runs at full width.
    const counts = countsForBudget(1, dense.tokens.per_step, dense.experts.count);
    const gmacs = gmacsForCounts(dense, counts);
    configs.push({
      id: 'dense',
      model: 'dense',
      ec: null,
      counts,
      gmacs,
      gmacsRatio: gmacs / full,
    });
  }
  return configs;
}

/** A Config with its measured latencies. */
export interface LatencyRow extends Config {
  readonly n: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly minMs: number;
  /** 10th percentile: on a machine shared with other jobs, the low quantiles are the runs
   * that were not preempted; their ratio is the contention-robust companion of the median's. */
  readonly p10Ms: number;
  readonly p10Ratio: number;
  /** Process CPU time per run (onnxruntime-node only), and its ratio vs e_c = 1. */
  readonly cpuMedianMs: number | null;
  readonly cpuRatio: number | null;
  /** median / median at e_c = 1 of the same backend (same process, interleaved). */
  readonly latencyRatio: number;
  /** latencyRatio / gmacsRatio: 1 = latency tracks FLOPs exactly; target ≤ 1.2. */
  readonly ratioOverGmacs: number;
}

export interface Series {
  /** 'node-1t', 'node-2t', 'wasm-1t', 'wasm-2t', 'webgpu-sw'. */
  readonly backend: string;
  readonly label: string;
  readonly notes: readonly string[];
  readonly rows: readonly LatencyRow[];
}

/** Latency rows from raw samples (ms) per config id; ratios against the e_c = 1 median. */
export function summarize(
  configs: readonly Config[],
  samples: Map<string, number[]>,
  cpuSamples?: Map<string, number[]>,
): LatencyRow[] {
  const base = samples.get(ecId(1));
  const baseMedian = base !== undefined && base.length > 0 ? percentile(base, 50) : Number.NaN;
  const baseP10 = base !== undefined && base.length > 0 ? percentile(base, 10) : Number.NaN;
  const cpuBase = cpuSamples?.get(ecId(1));
  const cpuBaseMedian = cpuBase !== undefined ? percentile(cpuBase, 50) : Number.NaN;
  const rows: LatencyRow[] = [];
  for (const c of configs) {
    const values = samples.get(c.id);
    if (values === undefined || values.length === 0) continue;
    const medianMs = percentile(values, 50);
    const latencyRatio = medianMs / baseMedian;
    const p10Ms = percentile(values, 10);
    const cpu = cpuSamples?.get(c.id);
    const cpuMedianMs = cpu !== undefined && cpu.length > 0 ? percentile(cpu, 50) : null;
    rows.push({
      id: c.id,
      model: c.model,
      ec: c.ec,
      counts: c.counts,
      gmacs: c.gmacs,
      gmacsRatio: c.gmacsRatio,
      n: values.length,
      medianMs,
      p95Ms: percentile(values, 95),
      minMs: Math.min(...values),
      p10Ms,
      p10Ratio: p10Ms / baseP10,
      cpuMedianMs,
      cpuRatio: cpuMedianMs === null ? null : cpuMedianMs / cpuBaseMedian,
      latencyRatio,
      ratioOverGmacs: latencyRatio / c.gmacsRatio,
    });
  }
  return rows;
}

/** Rotates `items` by `k` (round-robin order that changes every round, so no budget is always first). */
export function rotate<T>(items: readonly T[], k: number): T[] {
  const n = items.length;
  if (n === 0) return [];
  const s = ((k % n) + n) % n;
  return [...items.slice(s), ...items.slice(0, s)];
}

/** The model's golden clip (THWC uint8 RGB) as its normalised [1, T, 3, H, W] input. */
export function goldenInput(model: ModelFiles): Float32Array {
  const { frames, height, width, mean, std, pixel_scale } = model.meta.video;
  const rgb = readFileSync(model.goldenPath);
  const out = new Float32Array(frames * 3 * height * width);
  const plane = height * width;
  for (let t = 0; t < frames; t++) {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) {
        const byte = rgb[(t * plane + p) * 3 + c]!;
        out[(t * 3 + c) * plane + p] = (byte * pixel_scale - mean[c]!) / std[c]!;
      }
    }
  }
  return out;
}

export function machineInfo() {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    node: process.version,
    loadavgAtStart: loadavg(),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
