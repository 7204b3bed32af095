/**
 * (a) onnxruntime-node latency per clip: every budget and the dense model, 1 and 2 intra-op
 * threads, all sessions in this one process and interleaved round-robin (each round visits every
 * config once, in an order rotated per round, one thread count after the other), so a load
 * change on this shared machine hits every config alike and the ratios hold.
 *
 * Also the session-option experiments: the same interleaving across option variants, at the
 * budgets whose ratios are targets.
 */
import * as ort from 'onnxruntime-node';
import { percentile } from '../src/model/latencyStats';
import type { Config, LatencyRow, ModelFiles, Series } from './common';
import { CORE_ECS, ecId, goldenInput, log, rotate, sleep, summarize } from './common';

type SessionOptions = ort.InferenceSession.SessionOptions;

export const BASE_OPTIONS: SessionOptions = {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  interOpNumThreads: 1,
  // Warnings only about unused initializers; keep the bench output readable.
  logSeverityLevel: 3,
};

export function feedsFor(meta: ModelFiles['meta'], clip: Float32Array, counts: readonly number[]) {
  const { frames, height, width } = meta.video;
  return {
    [meta.inputs.video.name]: new ort.Tensor('float32', clip, [1, frames, 3, height, width]),
    [meta.inputs.expert_counts.name]: new ort.Tensor(
      'int64',
      BigInt64Array.from(counts, (k) => BigInt(k)),
      [counts.length],
    ),
  };
}

/**
 * One timed run, as the worker does it (feeds built, session.run, outputs read): wall ms, and the
 * process CPU ms it cost (all threads; with 1 intra-op thread that is the run's own compute,
 * which preemption by other jobs on this machine does not inflate).
 */
async function timedRun(
  session: ort.InferenceSession,
  meta: ModelFiles['meta'],
  clip: Float32Array,
  counts: readonly number[],
): Promise<number> {
  return (await timedRunCpu(session, meta, clip, counts)).wallMs;
}

async function timedRunCpu(
  session: ort.InferenceSession,
  meta: ModelFiles['meta'],
  clip: Float32Array,
  counts: readonly number[],
): Promise<{ wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const out = await session.run(feedsFor(meta, clip, counts));
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  for (const t of Object.values(out)) t.dispose();
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

export interface NodeBenchOptions {
  readonly mone: ModelFiles;
  readonly dense: ModelFiles | null;
  readonly configs: readonly Config[];
  readonly threads: readonly number[];
  readonly warmup: number;
  readonly rounds: number;
}

export async function nodeLatency(opts: NodeBenchOptions): Promise<Series[]> {
  const clip = goldenInput(opts.mone);
  const sessions = new Map<string, ort.InferenceSession>(); // `${model}/${threads}`
  for (const threads of opts.threads) {
    for (const m of [opts.mone, opts.dense]) {
      if (m === null) continue;
      const s = await ort.InferenceSession.create(m.onnxPath, {
        ...BASE_OPTIONS,
        intraOpNumThreads: threads,
      });
      sessions.set(`${m.meta.variant}/${threads}`, s);
    }
  }
  const metaOf = (c: Config) => (c.model === 'dense' ? opts.dense! : opts.mone).meta;
  const sessionOf = (c: Config, threads: number) => sessions.get(`${c.model}/${threads}`)!;

  const fresh = () =>
    new Map<number, Map<string, number[]>>(
      opts.threads.map((t) => [t, new Map(opts.configs.map((c) => [c.id, []]))]),
    );
  const samples = fresh();
  const cpuSamples = fresh();
  for (const threads of opts.threads) {
    for (const c of opts.configs) {
      for (let i = 0; i < opts.warmup; i++) {
        await timedRun(sessionOf(c, threads), metaOf(c), clip, c.counts);
      }
    }
  }
  const started = performance.now();
  for (let r = 0; r < opts.rounds; r++) {
    for (const threads of rotate(opts.threads, r)) {
      const perConfig = samples.get(threads)!;
      const perConfigCpu = cpuSamples.get(threads)!;
      for (const c of rotate(opts.configs, r)) {
        const t = await timedRunCpu(sessionOf(c, threads), metaOf(c), clip, c.counts);
        perConfig.get(c.id)!.push(t.wallMs);
        perConfigCpu.get(c.id)!.push(t.cpuMs);
      }
      await sleep(1); // let a 2-thread pool stop spinning before the other thread count
    }
    if (r % 50 === 49) {
      log(
        `node: ${r + 1}/${opts.rounds} rounds (${((performance.now() - started) / 1000).toFixed(0)} s)`,
      );
    }
  }
  for (const s of sessions.values()) await s.release();

  return opts.threads.map((threads) => ({
    backend: `node-${threads}t`,
    label: `onnxruntime-node ${threads} thread${threads > 1 ? 's' : ''}`,
    notes: [
      `CPU EP, graphOptimizationLevel all, intraOpNumThreads ${threads}, interOpNumThreads 1`,
      `${opts.rounds} interleaved rounds after ${opts.warmup} warm-up runs per config`,
    ],
    rows: summarize(opts.configs, samples.get(threads)!, cpuSamples.get(threads)),
  }));
}

// -----------------------------------------------------------------------------------------------
// session-option experiments
// -----------------------------------------------------------------------------------------------
export interface OptionVariant {
  readonly name: string;
  readonly description: string;
  readonly options: SessionOptions;
}

export function optionVariants(): OptionVariant[] {
  const v = (name: string, description: string, options: SessionOptions): OptionVariant => ({
    name,
    description,
    options: { ...BASE_OPTIONS, ...options },
  });
  return [
    v('baseline-1t', 'graphOptimizationLevel all, 1 thread (the bench default)', {
      intraOpNumThreads: 1,
    }),
    v('opt-basic-1t', 'graphOptimizationLevel basic, 1 thread', {
      intraOpNumThreads: 1,
      graphOptimizationLevel: 'basic',
    }),
    v('opt-disabled-1t', 'graphOptimizationLevel disabled, 1 thread', {
      intraOpNumThreads: 1,
      graphOptimizationLevel: 'disabled',
    }),
    v('no-mem-pattern-1t', 'enableMemPattern false, 1 thread', {
      intraOpNumThreads: 1,
      enableMemPattern: false,
    }),
    v('no-arena-1t', 'enableCpuMemArena false, 1 thread', {
      intraOpNumThreads: 1,
      enableCpuMemArena: false,
    }),
    v('parallel-exec', 'executionMode parallel, 1 intra-op + 2 inter-op threads', {
      intraOpNumThreads: 1,
      interOpNumThreads: 2,
      executionMode: 'parallel',
    }),
    v('baseline-2t', 'graphOptimizationLevel all, 2 threads', { intraOpNumThreads: 2 }),
    v('no-spin-2t', '2 threads, session.intra_op.allow_spinning = 0', {
      intraOpNumThreads: 2,
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    }),
  ];
}

export interface VariantResult {
  readonly name: string;
  readonly description: string;
  /** median ms per e_c id. */
  readonly medianMs: Record<string, number>;
  /** median / median at e_c = 1 per e_c id. */
  readonly latencyRatio: Record<string, number>;
}

export async function nodeOptionExperiments(
  mone: ModelFiles,
  configs: readonly Config[],
  ecs: readonly number[],
  rounds: number,
): Promise<VariantResult[]> {
  const clip = goldenInput(mone);
  const variants = optionVariants();
  const picked = configs.filter((c) => c.model === 'mone' && c.ec !== null && ecs.includes(c.ec));
  const sessions: ort.InferenceSession[] = [];
  for (const v of variants)
    sessions.push(await ort.InferenceSession.create(mone.onnxPath, v.options));
  const samples = variants.map(() => new Map(picked.map((c) => [c.id, [] as number[]])));
  for (let i = 0; i < variants.length; i++) {
    for (const c of picked)
      for (let w = 0; w < 10; w++) await timedRun(sessions[i]!, mone.meta, clip, c.counts);
  }
  for (let r = 0; r < rounds; r++) {
    for (const i of rotate([...variants.keys()], r)) {
      for (const c of rotate(picked, r)) {
        samples[i]!.get(c.id)!.push(await timedRun(sessions[i]!, mone.meta, clip, c.counts));
      }
      await sleep(1);
    }
  }
  for (const s of sessions) await s.release();
  return variants.map((v, i) => {
    const medianMs: Record<string, number> = {};
    const latencyRatio: Record<string, number> = {};
    const base = percentile(samples[i]!.get(ecId(1))!, 50);
    for (const c of picked) {
      const m = percentile(samples[i]!.get(c.id)!, 50);
      medianMs[c.id] = m;
      latencyRatio[c.id] = m / base;
    }
    return { name: v.name, description: v.description, medianMs, latencyRatio };
  });
}

// -----------------------------------------------------------------------------------------------
// candidate graph: the shipped model against a rewritten copy (e.g. bench/experiments/*.py)
// -----------------------------------------------------------------------------------------------
export interface CandidateResult {
  readonly candidate: string;
  readonly threads: number;
  /** Rows of the shipped model and of the candidate, each with ratios vs its own e_c = 1. */
  readonly shipped: readonly LatencyRow[];
  readonly rewritten: readonly LatencyRow[];
  /** max |logits difference| over the compared budgets. */
  readonly maxLogitDiff: number;
}

export async function nodeCandidate(
  mone: ModelFiles,
  candidatePath: string,
  configs: readonly Config[],
  threads: number,
  rounds: number,
): Promise<CandidateResult> {
  const clip = goldenInput(mone);
  const picked = configs.filter((c) => c.model === 'mone' && CORE_ECS.includes(c.ec as 1));
  const options = { ...BASE_OPTIONS, intraOpNumThreads: threads };
  const sessions = [
    await ort.InferenceSession.create(mone.onnxPath, options),
    await ort.InferenceSession.create(candidatePath, options),
  ] as const;
  let maxLogitDiff = 0;
  for (const c of picked) {
    const logits: Float32Array[] = [];
    for (const s of sessions) {
      const out = await s.run(feedsFor(mone.meta, clip, c.counts));
      logits.push(out[mone.meta.outputs.logits.name]!.data as Float32Array);
    }
    logits[0]!.forEach((v, i) => {
      maxLogitDiff = Math.max(maxLogitDiff, Math.abs(v - logits[1]![i]!));
    });
  }
  const samples = sessions.map(() => new Map(picked.map((c) => [c.id, [] as number[]])));
  for (const s of sessions) {
    for (const c of picked)
      for (let w = 0; w < 10; w++) await timedRun(s, mone.meta, clip, c.counts);
  }
  for (let r = 0; r < rounds; r++) {
    for (const i of rotate([0, 1], r)) {
      for (const c of rotate(picked, r)) {
        samples[i]!.get(c.id)!.push(await timedRun(sessions[i]!, mone.meta, clip, c.counts));
      }
    }
  }
  for (const s of sessions) await s.release();
  return {
    candidate: candidatePath,
    threads,
    shipped: summarize(picked, samples[0]!),
    rewritten: summarize(picked, samples[1]!),
    maxLogitDiff,
  };
}
