/**
 * Where the time goes: onnxruntime-node with `enableProfiling`, kernel times aggregated by graph
 * scope (node names are prefixed `embed/`, `budget/`, `routing/`, `spatial_block_<i>/`,
 * `temporal/`, `head/`, `outputs/` by training/mone/onnx_graph.py) and by kind of work.
 *
 * Nodes that ORT creates while fusing (e.g. `BiasGelu_token_53`) lose the prefix; they take the
 * scope of the node executed just before them (the sequential executor runs in topological order,
 * so that is the block they were fused in).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Config, ModelFiles } from './common';
import { goldenInput, RESULTS_DIR } from './common';
import { BASE_OPTIONS, feedsFor } from './nodeBench';

interface TraceEvent {
  readonly cat: string;
  readonly name: string;
  readonly ts: number;
  readonly dur: number;
  readonly args?: {
    readonly op_name?: string;
    readonly provider?: string;
    readonly input_type_shape?: readonly Record<string, readonly number[]>[];
  };
}

export const CATEGORIES = [
  'projections',
  'attention',
  'attention layout',
  'slices/concat/pad',
  'layernorm',
  'elementwise',
  'router',
  'EPR (TopK/Scatter)',
  'permutation matmul',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

const SCOPES = ['embed', 'budget', 'routing', 'temporal', 'head', 'outputs', 'out'];

export interface ScopeBreakdown {
  readonly scope: string;
  /** µs per run. */
  readonly totalUs: number;
  readonly nodes: number;
  readonly byCategory: Partial<Record<Category, number>>;
}

export interface ProfileResult {
  readonly id: string;
  readonly counts: readonly number[];
  readonly runs: number;
  /** Mean model_run duration (µs) while profiling (profiling itself adds per-node cost). */
  readonly runUs: number;
  /** Sum of kernel times per run (µs). */
  readonly kernelUs: number;
  /** runUs - kernelUs: executor/allocation overhead between kernels. */
  readonly overheadUs: number;
  readonly nodesPerRun: number;
  readonly scopes: readonly ScopeBreakdown[];
  /** µs per run per category over the spatial blocks together. */
  readonly spatialByCategory: Partial<Record<Category, number>>;
  /** µs per run per op type, whole graph. */
  readonly byOpType: Record<string, number>;
  /** Routing (budget/ + routing/ + outputs/) share of the run. */
  readonly routingShare: number;
  /** In-block gather cost (token/feature Slices, Concat, Pad of the expert groups) share. */
  readonly blockGatherShare: number;
}

function scopeOf(name: string, previous: string): string {
  const head = name.split('/')[0]!;
  if (head === 'out') return 'outputs';
  if (SCOPES.includes(head) || head.startsWith('spatial_block_')) return head;
  return previous;
}

function rank(ev: TraceEvent, input: number): number {
  const shape = ev.args?.input_type_shape?.[input];
  if (shape === undefined) return -1;
  const dims = Object.values(shape)[0];
  return dims === undefined ? -1 : dims.length;
}

function categoryOf(scope: string, op: string, ev: TraceEvent): Category {
  const matmul = op === 'MatMul' || op === 'FusedMatMul' || op === 'Gemm';
  if (scope === 'routing' || scope === 'budget' || scope === 'outputs') {
    if (matmul) return rank(ev, 1) === 3 ? 'permutation matmul' : 'router';
    if (op === 'Softmax') return 'router';
    if (op === 'Concat' || op === 'Slice' || op === 'Reshape' || op === 'Identity' || op === 'Cast')
      return 'slices/concat/pad';
    return 'EPR (TopK/Scatter)';
  }
  if (matmul) return rank(ev, 0) === 4 ? 'attention' : 'projections';
  if (op === 'Softmax') return 'attention';
  if (op === 'Transpose' || op === 'Reshape') return 'attention layout';
  if (['Slice', 'Concat', 'Pad', 'Gather', 'GatherElements', 'Split'].includes(op))
    return 'slices/concat/pad';
  if (op === 'LayerNormalization' || op === 'SkipLayerNormalization') return 'layernorm';
  if (
    ['Add', 'Sub', 'Mul', 'Div', 'Erf', 'Gelu', 'BiasGelu', 'FastGelu', 'ReduceMean'].includes(op)
  )
    return 'elementwise';
  return 'other';
}

/** Aggregates the kernel events of the last `measured` model_run windows of a trace. */
export function aggregateProfile(
  events: readonly TraceEvent[],
  measured: number,
  id: string,
  counts: readonly number[],
): ProfileResult {
  const runs = events
    .filter((e) => e.cat === 'Session' && e.name === 'model_run')
    .sort((a, b) => a.ts - b.ts)
    .slice(-measured);
  const kernels = events
    .filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'))
    .sort((a, b) => a.ts - b.ts);
  const n = runs.length;
  const scopes = new Map<
    string,
    { totalUs: number; nodes: number; byCategory: Map<Category, number> }
  >();
  const byOpType: Record<string, number> = {};
  const spatialByCategory = new Map<Category, number>();
  let kernelUs = 0;
  let nodes = 0;
  let previous = 'embed';
  let blockGatherUs = 0;
  let r = 0;
  for (const ev of kernels) {
    while (r < n && ev.ts > runs[r]!.ts + runs[r]!.dur) r++;
    const name = ev.name.slice(0, -'_kernel_time'.length);
    const scope = scopeOf(name, previous);
    previous = scope;
    if (r >= n || ev.ts < runs[r]!.ts) continue; // warm-up run or outside any run
    const op = ev.args?.op_name ?? 'unknown';
    const cat = categoryOf(scope, op, ev);
    const entry = scopes.get(scope) ?? { totalUs: 0, nodes: 0, byCategory: new Map() };
    entry.totalUs += ev.dur;
    entry.nodes++;
    entry.byCategory.set(cat, (entry.byCategory.get(cat) ?? 0) + ev.dur);
    scopes.set(scope, entry);
    byOpType[op] = (byOpType[op] ?? 0) + ev.dur;
    if (scope.startsWith('spatial_block_')) {
      spatialByCategory.set(cat, (spatialByCategory.get(cat) ?? 0) + ev.dur);
      // Slices of the token groups / feature widths, their Concat and Pad: the MoNE "gathers".
      if (cat === 'slices/concat/pad') blockGatherUs += ev.dur;
    }
    kernelUs += ev.dur;
    nodes++;
  }
  const runUs = runs.reduce((s, e) => s + e.dur, 0) / n;
  const per = (us: number) => us / n;
  const ordered = [...scopes.entries()].sort((a, b) => order(a[0]) - order(b[0]));
  const routingUs = ['budget', 'routing', 'outputs'].reduce(
    (s, k) => s + (scopes.get(k)?.totalUs ?? 0),
    0,
  );
  return {
    id,
    counts,
    runs: n,
    runUs,
    kernelUs: per(kernelUs),
    overheadUs: runUs - per(kernelUs),
    nodesPerRun: nodes / n,
    scopes: ordered.map(([scope, e]) => ({
      scope,
      totalUs: per(e.totalUs),
      nodes: e.nodes / n,
      byCategory: Object.fromEntries([...e.byCategory].map(([k, v]) => [k, per(v)])),
    })),
    spatialByCategory: Object.fromEntries([...spatialByCategory].map(([k, v]) => [k, per(v)])),
    byOpType: Object.fromEntries(
      Object.entries(byOpType)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, per(v)]),
    ),
    routingShare: per(routingUs) / runUs,
    blockGatherShare: per(blockGatherUs) / runUs,
  };
}

function order(scope: string): number {
  const fixed = ['embed', 'budget', 'routing'];
  if (fixed.includes(scope)) return fixed.indexOf(scope);
  if (scope.startsWith('spatial_block_')) return 10 + Number(scope.slice('spatial_block_'.length));
  return { temporal: 100, head: 101, outputs: 102 }[scope] ?? 200;
}

/** Profiles one config (1 intra-op thread, so kernel times add up to the run). */
export async function profileConfig(
  model: ModelFiles,
  config: Config,
  warmup: number,
  measured: number,
): Promise<ProfileResult> {
  const dir = join(RESULTS_DIR, 'profiles');
  mkdirSync(dir, { recursive: true });
  const prefix = join(dir, `${model.meta.variant}-${config.id.replace('=', '')}`);
  const session = await ort.InferenceSession.create(model.onnxPath, {
    ...BASE_OPTIONS,
    intraOpNumThreads: 1,
    enableProfiling: true,
    profileFilePrefix: prefix,
  });
  const clip = goldenInput(model);
  for (let i = 0; i < warmup + measured; i++) {
    const out = await session.run(feedsFor(model.meta, clip, config.counts));
    for (const t of Object.values(out)) t.dispose();
  }
  // onnxruntime-node writes `${prefix}_<date>.json`; endProfiling does not return the name.
  session.endProfiling();
  await session.release();
  const base = prefix.split('/').pop()!;
  const files = readdirSync(dir)
    .filter((f) => f.startsWith(`${base}_`) && f.endsWith('.json'))
    .sort();
  const file = join(dir, files[files.length - 1]!);
  const events = JSON.parse(readFileSync(file, 'utf8')) as TraceEvent[];
  for (const f of files.slice(0, -1)) rmSync(join(dir, f));
  return aggregateProfile(events, measured, `${model.meta.variant}/${config.id}`, config.counts);
}
