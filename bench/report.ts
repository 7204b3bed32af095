/**
 * The benchmark targets (latency ratio against GMACs ratio per backend, routing share of the run,
 * WebGPU node placement, …) with pass/fail, the committed summary (docs/bench/bench-summary.json)
 * and the markdown tables printed at the end of `npm run bench`.
 */
import type { LatencyRow, Series } from './common';
import type { ModelTargets } from './common';
import { MOTION_TARGETS, RATIO_TOLERANCE, TARGET_ECS } from './common';
import type { BenchResults } from './results';
import type { LongFrame } from './appBench';

export interface Target {
  readonly id: string;
  readonly description: string;
  /** The measured value in words. */
  readonly measured: string;
  /** null: not measured in this run. */
  readonly pass: boolean | null;
}

const RATIO_BACKENDS = ['node-1t', 'node-2t', 'wasm-1t', 'wasm-2t'];

function rowFor(series: Series | undefined, ec: number): LatencyRow | undefined {
  return series?.rows.find((r) => r.model === 'mone' && r.ec === ec);
}

const f = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

export function evaluateTargets(results: BenchResults): Target[] {
  const targets: Target[] = [];
  const bounds = results.targets ?? MOTION_TARGETS;
  for (const backend of RATIO_BACKENDS) {
    const series = results.series.find((s) => s.backend === backend);
    for (const ec of TARGET_ECS) {
      const row = rowFor(series, ec);
      const bound = bounds.ratio[ec];
      targets.push({
        id: `ratio-${backend}-ec${ec}`,
        description: `${backend}: latency ratio ≤ ${bound}× GMACs ratio at e_c = ${ec}`,
        measured:
          row === undefined
            ? 'not measured'
            : `latency ratio ${f(row.latencyRatio, 3)} vs GMACs ratio ${f(row.gmacsRatio, 3)} → ${f(row.ratioOverGmacs)}× (p10: ${f((row.p10Ratio ?? Number.NaN) / row.gmacsRatio)}×${row.cpuRatio == null ? '' : `, CPU time: ${f(row.cpuRatio / row.gmacsRatio)}×`})`,
        pass: row === undefined ? null : row.ratioOverGmacs <= bound,
      });
    }
  }
  const full = results.profiles?.find((p) => p.id === 'mone/ec=1');
  targets.push({
    id: 'routing-share',
    description:
      'routing (budget/ + routing/ + outputs/ scopes: router, EPR, permutation gather) ≤ 5% of the run at e_c = 1 (onnxruntime-node profile, 1 thread)',
    measured:
      full === undefined
        ? 'not measured'
        : `${f(full.routingShare * 100, 1)}% (${f(full.routingShare * full.runUs, 0)} of ${f(full.runUs, 0)} µs); in-block group slices/concat/pad another ${f(full.blockGatherShare * 100, 1)}%`,
    pass: full === undefined ? null : full.routingShare <= 0.05,
  });
  const placement = results.browser?.placement ?? null;
  targets.push({
    id: 'webgpu-placement',
    description: 'no node of the MoNE blocks (spatial_block_*) on the CPU under WebGPU',
    measured:
      placement === null
        ? 'not measured'
        : placement.parsed
          ? `${placement.cpuNodes.length} nodes on CPU (${
              Object.entries(placement.cpuByScope)
                .map(([s, n]) => `${s}: ${n}`)
                .join(', ') || 'none'
            }); ${placement.blockNodesOnCpu.length} of them in spatial blocks`
          : 'verbose log had no placement lines',
    pass: placement === null || !placement.parsed ? null : placement.blockNodesOnCpu.length === 0,
  });
  const app = results.app;
  targets.push({
    id: 'app-clips-per-second',
    description: `≥ ${bounds.clipsPerSecond} clips/s end to end at e_c = 0.5, WASM with all threads (2 here), fake camera`,
    measured:
      app === null
        ? 'not measured'
        : `${f(app.streaming.clipsPerSecond)} clips/s (${app.streaming.runs} runs in ${f(app.streaming.seconds, 1)} s, ${app.backend.threads} threads; camera ${f(app.streaming.cameraFps, 1)} fps, model fps ${app.modelFps})`,
    pass: app === null ? null : app.streaming.clipsPerSecond >= bounds.clipsPerSecond,
  });
  targets.push({
    id: 'app-responsive',
    description:
      'page stays responsive while streaming: rAF gap p99 ≤ 50 ms and long tasks ≤ 5% of the time',
    measured:
      app === null
        ? 'not measured'
        : `rAF gap p50 ${f(app.streaming.rafGapP50Ms, 1)} / p99 ${f(app.streaming.rafGapP99Ms, 1)} / max ${f(app.streaming.rafGapMaxMs, 1)} ms; ${app.streaming.longTasks} long tasks, ${f(app.streaming.longTaskShare * 100, 1)}% of the window (max ${f(app.streaming.longTaskMaxMs, 0)} ms)`,
    pass:
      app === null ? null : app.streaming.rafGapP99Ms <= 50 && app.streaming.longTaskShare <= 0.05,
  });
  targets.push({
    id: 'app-no-long-tasks',
    description: 'no long task over 50 ms while streaming (the window above)',
    measured:
      app === null
        ? 'not measured'
        : `${app.streaming.longTasks} long tasks (max ${f(app.streaming.longTaskMaxMs, 0)} ms)${longFrameSummary(app.streaming.longFrames, '; frames ≥ 50 ms: ')}`,
    pass: app === null ? null : app.streaming.longTasks === 0,
  });
  targets.push({
    id: 'ready-cached',
    description: 'ready ≤ 5 s from cache (second visit, same profile)',
    measured:
      app === null
        ? 'not measured'
        : `cached ${f(app.readyCachedMs / 1000)} s (cold ${f(app.readyColdMs / 1000)} s)`,
    pass: app === null ? null : app.readyCachedMs <= 5000,
  });
  return targets;
}

/**
 * Long animation frames grouped by their longest script, most frequent first:
 * 'TimerHandler:setTimeout (Charts-….js) ×2 (51–56 ms), no script ×1 (52 ms)'.
 */
export function longFrameSummary(frames: readonly LongFrame[] | undefined, prefix = ''): string {
  if (frames === undefined || frames.length === 0) return '';
  const groups = new Map<string, number[]>();
  for (const fr of frames) groups.set(fr.script, [...(groups.get(fr.script) ?? []), fr.durationMs]);
  const parts = [...groups.entries()]
    .sort((a, b) => b[1].length - a[1].length)
    .map(([script, ms]) => {
      const lo = Math.min(...ms).toFixed(0);
      const hi = Math.max(...ms).toFixed(0);
      return `${script} ×${ms.length} (${lo === hi ? lo : `${lo}–${hi}`} ms)`;
    });
  return prefix + parts.join(', ');
}

export interface LinearFit {
  /** Budget-independent ms (latency at 0 GMACs). */
  readonly interceptMs: number;
  readonly msPerGmac: number;
  readonly r2: number;
  /** interceptMs / fitted latency at e_c = 1. */
  readonly fixedShare: number;
}

/** Least squares median-latency ≈ a + b · GMACs over the MoNE budgets of a series. */
export function fitLatency(series: Series): LinearFit | null {
  const rows = series.rows.filter((r) => r.model === 'mone' && Number.isFinite(r.medianMs));
  if (rows.length < 3) return null;
  const n = rows.length;
  const mx = rows.reduce((s, r) => s + r.gmacs, 0) / n;
  const my = rows.reduce((s, r) => s + r.medianMs, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const r of rows) {
    sxy += (r.gmacs - mx) * (r.medianMs - my);
    sxx += (r.gmacs - mx) ** 2;
    syy += (r.medianMs - my) ** 2;
  }
  const b = sxy / sxx;
  const a = my - b * mx;
  const full = Math.max(...rows.map((r) => r.gmacs));
  return {
    interceptMs: a,
    msPerGmac: b,
    r2: (sxy * sxy) / (sxx * syy),
    fixedShare: a / (a + b * full),
  };
}

/**
 * The largest budget-independent share of the e_c = 1 latency that still meets
 * ratio ≤ bound × GMACs ratio at GMACs ratio g (latency = fixed + variable·g'): φ ≤ (bound − 1)·g / (1 − g)
 * when the variable part scales exactly with GMACs (bound 1.2: φ ≤ 0.2·g / (1 − g)).
 */
export function allowedFixedShare(g: number, bound: number = RATIO_TOLERANCE): number {
  return ((bound - 1) * g) / (1 - g);
}

export function summaryOf(results: BenchResults, targets: readonly Target[]) {
  const profiles = results.profiles?.map((p) => ({
    id: p.id,
    runUs: Math.round(p.runUs),
    kernelUs: Math.round(p.kernelUs),
    overheadUs: Math.round(p.overheadUs),
    nodesPerRun: p.nodesPerRun,
    routingShare: round(p.routingShare, 4),
    blockGatherShare: round(p.blockGatherShare, 4),
    scopes: Object.fromEntries(p.scopes.map((s) => [s.scope, Math.round(s.totalUs)])),
    spatialByCategory: Object.fromEntries(
      Object.entries(p.spatialByCategory).map(([k, v]) => [k, Math.round(v)]),
    ),
  }));
  return {
    updated: results.updated,
    model: results.model ?? 'mone-vivit-s',
    bounds: results.targets ?? MOTION_TARGETS,
    phases: results.phases,
    load: results.load ?? {},
    machine: results.machine,
    models: results.models,
    series: results.series.map((s) => ({
      backend: s.backend,
      label: s.label,
      notes: s.notes,
      fit: fitLatency(s),
      rows: s.rows.map((r) => ({
        id: r.id,
        ec: r.ec,
        counts: r.counts,
        gmacs: round(r.gmacs, 4),
        gmacsRatio: round(r.gmacsRatio, 4),
        n: r.n,
        medianMs: round(r.medianMs, 3),
        p95Ms: round(r.p95Ms, 3),
        latencyRatio: round(r.latencyRatio, 4),
        ratioOverGmacs: round(r.ratioOverGmacs, 3),
        p10Ms: round(r.p10Ms ?? Number.NaN, 3),
        p10Ratio: round(r.p10Ratio ?? Number.NaN, 4),
        cpuMedianMs: r.cpuMedianMs == null ? null : round(r.cpuMedianMs, 3),
        cpuRatio: r.cpuRatio == null ? null : round(r.cpuRatio, 4),
      })),
    })),
    targets,
    profiles: profiles ?? null,
    nodeOptions: results.nodeOptions,
    browser:
      results.browser === null
        ? null
        : {
            versions: results.browser.versions,
            backends: results.browser.backends,
            placement: results.browser.placement,
            workerMemory: results.browser.workerMemory,
          },
    app: results.app,
  };
}

function round(x: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

export function seriesTable(series: Series, bounds: ModelTargets = MOTION_TARGETS): string {
  const lines = [
    `**${series.label}** (${series.backend}; ${series.notes.join('; ')})`,
    '',
    '| e_c | counts | GMACs | GMACs ratio | median ms | p95 ms | latency ratio | ratio / GMACs ratio | p10 ratio | CPU-time ratio |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  const fit = fitLatency(series);
  for (const r of series.rows) {
    const ec = r.model === 'dense' ? 'dense' : String(r.ec);
    lines.push(
      `| ${ec} | ${r.counts.join('/')} | ${f(r.gmacs, 4)} | ${f(r.gmacsRatio, 3)} | ${f(r.medianMs)} | ${f(r.p95Ms)} | ${f(r.latencyRatio, 3)} | ${f(r.ratioOverGmacs)} | ${f(r.p10Ratio ?? Number.NaN, 3)} | ${r.cpuRatio == null ? '–' : f(r.cpuRatio, 3)} |`,
    );
  }
  if (fit !== null) {
    lines.push(
      '',
      `Fit over the MoNE budgets: median ≈ ${f(fit.interceptMs)} ms + ${f(fit.msPerGmac, 1)} ms/GMAC × GMACs (R² ${f(fit.r2, 3)}): budget-independent ${f(fit.fixedShare * 100, 0)}% of the e_c = 1 run (≤ ${TARGET_ECS.map(
        (ec) => {
          const g = series.rows.find((r) => r.ec === ec)?.gmacsRatio ?? Number.NaN;
          return `${f(allowedFixedShare(g, bounds.ratio[ec]) * 100, 0)}% at e_c = ${ec}`;
        },
      ).join(
        ', ',
      )} would meet the ${TARGET_ECS.map((ec) => `${bounds.ratio[ec]}×`).join(' / ')} targets).`,
    );
  }
  return lines.join('\n');
}

export function markdownReport(
  results: BenchResults,
  targets: readonly Target[],
  chart = 'docs/bench/latency-vs-gmacs.png',
): string {
  const out: string[] = ['', '## Benchmarks', ''];
  for (const s of results.series) out.push(seriesTable(s, results.targets ?? MOTION_TARGETS), '');
  if (results.app !== null) {
    const a = results.app;
    out.push(
      '**App end to end** (Chromium, fake camera, e_c = 0.5, ' +
        `${a.backend.backend} ${a.backend.threads} threads)`,
      '',
      '| measure | value |',
      '|---|---|',
      `| clips per second | ${f(a.streaming.clipsPerSecond)} (app's own display: ${a.streaming.appClipsPerSecond}) |`,
      `| run latency p50 / p95 (app) | ${a.streaming.appLatencyP50} / ${a.streaming.appLatencyP95} |`,
      `| ready, cold (empty profile) | ${f(a.readyColdMs / 1000)} s |`,
      `| ready, cached (second visit) | ${f(a.readyCachedMs / 1000)} s |`,
      `| rAF gap p50 / p99 / max | ${f(a.streaming.rafGapP50Ms, 1)} / ${f(a.streaming.rafGapP99Ms, 1)} / ${f(a.streaming.rafGapMaxMs, 1)} ms |`,
      `| long tasks (≥ 50 ms) | ${a.streaming.longTasks} (${f(a.streaming.longTaskShare * 100, 1)}% of the window) |`,
      `| frames ≥ 50 ms by longest script (Long Animation Frames) | ${longFrameSummary(a.streaming.longFrames) || 'none'} |`,
      `| camera frames presented / s | ${f(a.streaming.cameraFps, 1)} (source ${a.camera.fps} fps) |`,
      ...(a.withoutCharts == null
        ? []
        : [
            `| A/B charts chunk blocked: clips/s | ${f(a.withoutCharts.clipsPerSecond)} |`,
            `| A/B charts chunk blocked: rAF gap p99, long tasks | ${f(a.withoutCharts.rafGapP99Ms, 1)} ms, ${f(a.withoutCharts.longTaskShare * 100, 1)}% |`,
          ]),
      ...(a.mainThread == null
        ? []
        : [
            `| main thread busy while streaming (V8 profile) | ${f(a.mainThread.busyShare * 100, 0)}%; top: ${Object.entries(
              a.mainThread.byFile,
            )
              .filter(([k]) => k !== '(idle)')
              .slice(0, 5)
              .map(([k, v]) => `${k} ${f((v / (a.mainThread!.seconds * 1000)) * 100, 0)}%`)
              .join(', ')} |`,
          ]),
      `| worker JS heap used / total | ${mb(a.memory.jsHeapUsedBytes)} / ${mb(a.memory.jsHeapTotalBytes)} |`,
      `| worker WASM memory (onnxruntime heap) | ${mb(a.memory.wasmMemoryBytes ?? null)} |`,
      `| worker total: JS + buffers + WASM (measureUserAgentSpecificMemory) | ${mb(a.memory.workerTotalBytes)} |`,
      '',
    );
  }
  for (const c of results.candidates ?? []) {
    out.push(
      `**Candidate graph** ${c.candidate} (onnxruntime-node ${c.threads} thread${c.threads > 1 ? 's' : ''}, interleaved with the shipped model; max |Δlogits| ${c.maxLogitDiff.toExponential(1)})`,
      '',
      '| e_c | GMACs ratio | shipped median ms | candidate median ms | shipped ratio / GMACs | candidate ratio / GMACs |',
      '|---|---|---|---|---|---|',
      ...c.shipped.map((r, i) => {
        const n = c.rewritten[i]!;
        return `| ${r.ec} | ${f(r.gmacsRatio, 3)} | ${f(r.medianMs)} | ${f(n.medianMs)} | ${f(r.ratioOverGmacs)} | ${f(n.ratioOverGmacs)} |`;
      }),
      '',
    );
  }
  out.push('**Targets**', '', '| target | measured | result |', '|---|---|---|');
  for (const t of targets) {
    const result = t.pass === null ? 'not measured' : t.pass ? 'PASS' : 'FAIL';
    out.push(`| ${t.description} | ${t.measured} | ${result} |`);
  }
  out.push('', `![latency ratio against GMACs ratio](${chart})`, '');
  return out.join('\n');
}

function mb(bytes: number | null): string {
  return bytes === null ? '–' : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** The profile tables for docs/bench/profile.md (printed by `npm run bench`). */
export function profileMarkdown(results: BenchResults): string {
  const profiles = results.profiles ?? [];
  if (profiles.length === 0) return '';
  const head = `| | ${profiles.map((p) => p.id).join(' | ')} |`;
  const rule = `|---|${profiles.map(() => '---').join('|')}|`;
  const us = (x: number | undefined, total: number) =>
    x === undefined || x === 0 ? '–' : `${f(x, 0)} (${f((x / total) * 100, 1)}%)`;
  const out = [
    '**Per run (µs, share of the profiled run)**',
    '',
    head,
    rule,
    `| model_run | ${profiles.map((p) => f(p.runUs, 0)).join(' | ')} |`,
    `| Σ kernels | ${profiles.map((p) => us(p.kernelUs, p.runUs)).join(' | ')} |`,
    `| between kernels (executor) | ${profiles.map((p) => us(p.overheadUs, p.runUs)).join(' | ')} |`,
    `| nodes executed | ${profiles.map((p) => f(p.nodesPerRun, 0)).join(' | ')} |`,
  ];
  const scopes = [...new Set(profiles.flatMap((p) => p.scopes.map((s) => s.scope)))];
  for (const scope of scopes) {
    out.push(
      `| ${scope}/ | ${profiles
        .map((p) => us(p.scopes.find((s) => s.scope === scope)?.totalUs, p.runUs))
        .join(' | ')} |`,
    );
  }
  out.push(
    `| **routing share** (budget+routing+outputs) | ${profiles.map((p) => `${f(p.routingShare * 100, 1)}%`).join(' | ')} |`,
    '',
    '**All spatial blocks together, by kind of work (µs per run)**',
    '',
    head,
    rule,
  );
  const cats = [...new Set(profiles.flatMap((p) => Object.keys(p.spatialByCategory)))];
  for (const cat of cats) {
    out.push(
      `| ${cat} | ${profiles
        .map((p) => us(p.spatialByCategory[cat as keyof typeof p.spatialByCategory], p.runUs))
        .join(' | ')} |`,
    );
  }
  out.push('', '**Routing scope by kind of work (µs per run)**', '', head, rule);
  const routingCats = [
    ...new Set(
      profiles.flatMap((p) =>
        p.scopes
          .filter((s) => s.scope === 'routing' || s.scope === 'budget')
          .flatMap((s) => Object.keys(s.byCategory)),
      ),
    ),
  ];
  for (const cat of routingCats) {
    out.push(
      `| ${cat} | ${profiles
        .map((p) => {
          const sum = p.scopes
            .filter((s) => s.scope === 'routing' || s.scope === 'budget')
            .reduce((acc, s) => acc + (s.byCategory[cat as keyof typeof s.byCategory] ?? 0), 0);
          return us(sum, p.runUs);
        })
        .join(' | ')} |`,
    );
  }
  out.push('', '**Op types, whole graph (µs per run)**', '', head, rule);
  const ops = Object.keys(profiles[0]!.byOpType).slice(0, 14);
  for (const op of ops) {
    out.push(`| ${op} | ${profiles.map((p) => us(p.byOpType[op], p.runUs)).join(' | ')} |`);
  }
  const options = results.nodeOptions;
  if (options !== null && options.length > 0) {
    const ids = Object.keys(options[0]!.medianMs);
    out.push(
      '',
      '**Session options (onnxruntime-node, interleaved; median ms and latency ratio vs e_c = 1)**',
      '',
      `| variant | ${ids.map((id) => `${id} ms`).join(' | ')} | ${ids
        .filter((id) => id !== 'ec=1')
        .map((id) => `${id} ratio`)
        .join(' | ')} |`,
      `|---|${ids.map(() => '---').join('|')}|${ids
        .filter((id) => id !== 'ec=1')
        .map(() => '---')
        .join('|')}|`,
    );
    for (const v of options) {
      out.push(
        `| ${v.description} | ${ids.map((id) => f(v.medianMs[id]!)).join(' | ')} | ${ids
          .filter((id) => id !== 'ec=1')
          .map((id) => f(v.latencyRatio[id]!, 3))
          .join(' | ')} |`,
      );
    }
  }
  return out.join('\n');
}
