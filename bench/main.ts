/**
 * `npm run bench` (via scripts/bench.mjs): latency per clip against compute, in onnxruntime-node
 * and headless Chromium, the app end to end, and a kernel profile. Writes
 * bench-results/bench.json (everything), docs/bench/bench-summary.json + the chart, and prints
 * the markdown tables and the targets.
 *
 * Phases can be run alone (`--only=node,profile`); results of phases not run this time are kept
 * from the previous bench-results/bench.json, so a re-run of one phase updates the summary.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { appBench } from './appBench';
import { browserBench } from './browserBench';
import type { Series } from './common';
import {
  configsFor,
  DEFAULT_MODEL,
  denseModel,
  DOCS_DIR,
  log,
  machineInfo,
  moneModel,
  outputsFor,
  RESULTS_DIR,
  ROOT,
  targetsFor,
} from './common';
import type { CandidateResult } from './nodeBench';
import { nodeCandidate, nodeLatency, nodeOptionExperiments } from './nodeBench';
import type { ProfileResult } from './profile';
import { profileConfig } from './profile';
import { evaluateTargets, markdownReport, profileMarkdown, summaryOf } from './report';
import type { BenchResults } from './results';
import { buildSite } from './site';

const PHASES = ['node', 'options', 'profile', 'browser', 'app', 'candidate'] as const;
type Phase = (typeof PHASES)[number];

const HELP = `npm run bench -- [options]
  --model=ID|PATH the MoNE model: an id in public/models/index.json (default ${DEFAULT_MODEL}) or a
                  .onnx path (its .json and golden/ beside it), e.g. a random-weight export of a
                  config's shape: python -m mone.export --random mone_b; results go to
                  bench-results/bench-<name>.json and docs/bench/*-<name>.* for any other model
  --only=LIST     phases to run, comma-separated: ${PHASES.join(',')} (default: all);
                  --only=report runs none and rewrites the summary, chart and tables
  --candidate=PATH  a rewritten MoNE graph to time against the shipped one (phase candidate,
                  run only when given; e.g. bench/experiments/fuse_attention.py output)
  --dense=PATH    dense baseline .onnx (or folder) instead of the index's baseline of the model
                  (also BENCH_DENSE_MODEL)
  --rounds=N      interleaved rounds for onnxruntime-node (default 200)
  --browser-rounds=N  rounds for WASM in Chromium (default 60)
  --webgpu-reps=N runs per config on the software WebGPU adapter (default 3; 0 skips WebGPU)
  --app-seconds=N streaming window for the end-to-end app measurement (default 20)
  --quick         small numbers everywhere (smoke run)
  --no-build      reuse bench-results/site from the previous run
  --no-plot       skip the matplotlib chart`;

function readPrevious(file: string): BenchResults | null {
  if (!existsSync(file)) return null;
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
    return data.version === 1 ? data : null;
  } catch {
    return null;
  }
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      model: { type: 'string' },
      dense: { type: 'string' },
      candidate: { type: 'string' },
      rounds: { type: 'string' },
      'browser-rounds': { type: 'string' },
      'webgpu-reps': { type: 'string' },
      'app-seconds': { type: 'string' },
      quick: { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      'no-plot': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const quick = values.quick;
  const num = (v: string | undefined, full: number, small: number) =>
    v === undefined ? (quick ? small : full) : Number(v);
  // --only=report: no phase; the summary, chart and tables again from the saved results.
  const only = new Set<Phase>(
    values.only === 'report'
      ? []
      : values.only === undefined
        ? PHASES.filter((p) => p !== 'candidate' || values.candidate !== undefined)
        : values.only.split(',').map((p) => {
            if (!(PHASES as readonly string[]).includes(p)) throw new Error(`unknown phase ${p}`);
            return p as Phase;
          }),
  );

  mkdirSync(RESULTS_DIR, { recursive: true });
  const mone = moneModel(values.model);
  const outputs = outputsFor(mone);
  const file = outputs.results;
  const previous = readPrevious(file);
  const dense = denseModel(values.dense, mone);
  log(`model ${mone.name} (${mone.source}: ${mone.onnxPath.replace(`${ROOT}/`, '')})`);
  if (dense === null) log('no dense model (index baseline, --dense, BENCH_DENSE_MODEL): skipped');
  const configs = configsFor(mone.meta, dense?.meta ?? null);
  const models: BenchResults['models'] = {};
  for (const m of [mone, dense]) {
    if (m === null) continue;
    models[m.meta.variant] = {
      path: m.onnxPath.replace(`${ROOT}/`, ''),
      source: m.source,
      sha256: m.meta.model_sha256,
      bytes: m.meta.model_bytes,
    };
  }
  const results: BenchResults = {
    version: 1,
    updated: new Date().toISOString(),
    machine: machineInfo(),
    models,
    model: mone.name,
    targets: targetsFor(mone.meta),
    phases: { ...(previous?.phases ?? {}) },
    load: { ...(previous?.load ?? {}) },
    series: previous?.series ?? [],
    nodeOptions: previous?.nodeOptions ?? null,
    profiles: previous?.profiles ?? null,
    browser: previous?.browser ?? null,
    app: previous?.app ?? null,
    candidates: previous?.candidates ?? null,
  };
  const keepSeries = (prefix: string, fresh: Series[]) => {
    results.series = [...results.series.filter((s) => !s.backend.startsWith(prefix)), ...fresh];
    results.series.sort((a, b) => a.backend.localeCompare(b.backend));
  };
  const started: Partial<Record<Phase, number>> = {};
  const begin = (phase: Phase) => (started[phase] = loadavg()[0]);
  const stamp = (phase: Phase) => {
    results.phases[phase] = new Date().toISOString();
    results.load[phase] = { start: started[phase] ?? Number.NaN, end: loadavg()[0]! };
  };
  const save = () => writeFileSync(file, `${JSON.stringify(results, null, 1)}\n`);

  if (only.has('node')) {
    begin('node');
    log('phase node: onnxruntime-node latency, 1 and 2 threads, interleaved');
    const series = await nodeLatency({
      mone,
      dense,
      configs,
      threads: [1, 2],
      warmup: quick ? 3 : 10,
      rounds: num(values.rounds, 200, 20),
    });
    keepSeries('node-', series);
    stamp('node');
    save();
  }
  if (only.has('options')) {
    begin('options');
    log('phase options: onnxruntime-node session-option variants');
    results.nodeOptions = await nodeOptionExperiments(
      mone,
      configs,
      [0.25, 0.5, 0.75, 1],
      quick ? 10 : 60,
    );
    stamp('options');
    save();
  }
  if (only.has('profile')) {
    begin('profile');
    log('phase profile: onnxruntime-node profiling at e_c = 1 and 0.5 (and dense)');
    const profiles: ProfileResult[] = [];
    for (const c of configs) {
      if (c.ec === 1 || c.ec === 0.5 || c.ec === 0.25) {
        profiles.push(await profileConfig(mone, c, quick ? 5 : 20, quick ? 10 : 100));
      }
      if (c.model === 'dense' && dense !== null) {
        profiles.push(await profileConfig(dense, c, quick ? 5 : 20, quick ? 10 : 100));
      }
    }
    results.profiles = profiles;
    stamp('profile');
    save();
  }
  if (only.has('candidate')) {
    begin('candidate');
    if (values.candidate === undefined) throw new Error('phase candidate needs --candidate=PATH');
    log(`phase candidate: ${values.candidate} against the shipped model, 1 and 2 threads`);
    const fresh: CandidateResult[] = [];
    for (const threads of [1, 2]) {
      fresh.push(await nodeCandidate(mone, values.candidate, configs, threads, quick ? 10 : 100));
    }
    results.candidates = [
      ...(results.candidates ?? []).filter((c) => c.candidate !== values.candidate),
      ...fresh,
    ];
    stamp('candidate');
    save();
  }
  if (only.has('browser') || only.has('app')) {
    const site = values['no-build'] ? join(RESULTS_DIR, 'site') : await buildSite(mone, dense);
    if (only.has('browser')) {
      begin('browser');
      log('phase browser: headless Chromium, WASM 1 thread / all threads, WebGPU (software)');
      const browser = await browserBench({
        site,
        mone,
        dense,
        configs,
        wasmRounds: num(values['browser-rounds'], 60, 8),
        webgpuReps: num(values['webgpu-reps'], 3, 1),
      });
      results.browser = browser;
      keepSeries(
        'wasm-',
        browser.series.filter((s) => s.backend.startsWith('wasm-')),
      );
      keepSeries(
        'webgpu-',
        browser.series.filter((s) => s.backend.startsWith('webgpu-')),
      );
      stamp('browser');
      save();
    }
    if (only.has('app')) {
      begin('app');
      log('phase app: the app end to end on the fake camera at e_c = 0.5');
      results.app = await appBench({
        site,
        model: mone.name,
        seconds: num(values['app-seconds'], 20, 6),
        modelFps: mone.meta.video.fps,
      });
      stamp('app');
      save();
    }
  }

  const targets = evaluateTargets(results);
  const summary = summaryOf(results, targets);
  mkdirSync(DOCS_DIR, { recursive: true });
  writeFileSync(outputs.summary, `${JSON.stringify(summary, null, 1)}\n`);
  save();
  if (!values['no-plot']) {
    try {
      execFileSync('python3', [join(ROOT, 'bench', 'plot.py'), outputs.summary, outputs.chart], {
        stdio: 'inherit',
      });
    } catch (err) {
      log(`chart not drawn: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  console.log(markdownReport(results, targets, outputs.chart.replace(`${ROOT}/`, '')));
  console.log(`\n## Profile (for docs/bench/profile.md)\n\n${profileMarkdown(results)}\n`);
  return 0;
}
