/**
 * The worker's state and request handling: init (metadata → backend → model → session →
 * warm-up → ready), frames into the clip buffer, runs and sweeps on the newest clip, stats, and
 * dispose (stop, release the session, say so) before the client ends the worker.
 *
 * Invariants: at most one session per worker (never recreated: a budget change is just another
 * `expert_counts` input); one run in flight, a second answered `busy` and never queued; every
 * request is answered with exactly one message.
 */
import type { Backend } from '../model/backendChoice';
import { chooseBackend, wasmThreads } from '../model/backendChoice';
import { countsForBudget, validateCounts } from '../model/budget';
import { median } from '../model/latencyStats';
import type { ModelMetadata } from '../model/metadata';
import { createClip } from '../model/preprocess';
import { probeAdapter } from './backendProbe';
import { ClipBuffer } from './clipBuffer';
import type { TakenClip } from './clipBuffer';
import { EngineFailure, errorMessageOf, toEngineError } from './engineFailure';
import {
  clearModelCache,
  DEFAULT_STALL_TIMEOUT_MS,
  fetchMetadata,
  loadModel,
  modelUrlOf,
} from './modelLoader';
import { decodeOutputs } from './modelRunner';
import type { ClipOutputs, ModelRunner } from './modelRunner';
import type {
  EngineError,
  FrameMessage,
  FromWorker,
  InitRequest,
  RunRequest,
  SweepPoint,
  SweepRequest,
} from '../workers/protocol';
import { configureRuntime, createSession } from './session';

export type Post = (message: FromWorker, transfer?: Transferable[]) => void;

/** Everything that exists once init succeeded. */
interface Loaded {
  readonly meta: ModelMetadata;
  readonly runner: ModelRunner;
  readonly backend: Backend;
  /** Reused input buffer [1, T, 3, H, W]; only written while no run is in flight. */
  readonly clip: Float32Array;
}

const MAX_SWEEP_REPEATS = 50;

function caches(): CacheStorage | undefined {
  return (globalThis as { caches?: CacheStorage }).caches;
}

export class InferenceEngine {
  private readonly post: Post;
  private state: 'idle' | 'loading' | 'ready' | 'dead' = 'idle';
  private loaded: Loaded | null = null;
  /** Exists once the metadata is known (frames are buffered while the model loads). */
  private clips: ClipBuffer | null = null;
  private busy = false;
  private sessionsCreated = 0;
  private modelDownloads = 0;
  private runs = 0;
  /** Frames that arrived before any ClipBuffer existed. */
  private framesBeforeMetadata = 0;
  /** The last init, and the last run or sweep that went ahead (dispose waits for both). */
  private initTask: Promise<void> = Promise.resolve();
  private runTask: Promise<void> = Promise.resolve();

  constructor(post: Post) {
    this.post = post;
  }

  /** A method, not an inline comparison: `state` changes across awaits (device lost). */
  private isDead(): boolean {
    return this.state === 'dead';
  }

  // ---------------------------------------------------------------------------------------------
  // init
  // ---------------------------------------------------------------------------------------------
  init(req: InitRequest): Promise<void> {
    this.initTask = this.load(req);
    return this.initTask;
  }

  private async load(req: InitRequest): Promise<void> {
    if (this.state !== 'idle') {
      this.post({
        type: 'error',
        code: 'internal',
        message: 'The engine is already initialised; start a new worker to load another model.',
        fatal: false,
      });
      return;
    }
    this.state = 'loading';
    const started = performance.now();
    const verbose = req.verboseLogs ?? false;
    try {
      const metadataUrl = new URL(req.metadataUrl, self.location.href).href;
      const stallMs = req.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
      const meta = await fetchMetadata(fetch, metadataUrl, stallMs);
      if (this.isDead()) return; // disposed meanwhile: every step below is skipped
      // Frames may arrive while the model downloads: start buffering them now.
      this.clips = new ClipBuffer(meta);

      const adapter = await probeAdapter();
      if (this.isDead()) return;
      const choice = chooseBackend(req.backend, adapter);
      if (!choice.ok) throw new EngineFailure('backend-unavailable', choice.reason, true);
      const threads = wasmThreads(self.crossOriginIsolated, navigator.hardwareConcurrency);
      const announce = (backend: Backend, reason: string) =>
        this.post({
          type: 'backend',
          backend,
          reason,
          adapter,
          threads,
          crossOriginIsolated: self.crossOriginIsolated,
        });
      announce(choice.backend, choice.reason);

      const model = await loadModel(
        modelUrlOf(metadataUrl, meta),
        meta,
        { bypassCache: req.bypassCache ?? false, stallTimeoutMs: stallMs },
        {
          fetch: (input, init) => fetch(input, init),
          caches: caches(),
          onProgress: (p) => this.post({ type: 'loadProgress', ...p }),
          onWarning: (message) =>
            this.post({ type: 'error', code: 'cache', message, fatal: false }),
        },
      );
      if (model.downloaded) this.modelDownloads++;
      if (this.isDead()) return; // no session for an engine that is going away

      configureRuntime(threads, verbose);
      let backend = choice.backend;
      let created;
      try {
        created = await createSession(model.bytes, backend, meta, verbose);
      } catch (err) {
        // 'auto' promised a working backend: if WebGPU fails to build the session, say so and
        // use WASM. A forced WebGPU fails loudly instead.
        if (!(req.backend === 'auto' && backend === 'webgpu')) throw err;
        backend = 'wasm';
        announce(backend, `WebGPU could not run the model (${errorMessageOf(err)}); using WASM.`);
        created = await createSession(model.bytes, backend, meta, verbose);
      }
      this.sessionsCreated++;
      void created.device?.lost.then((info) => this.deviceLost(info));

      const loaded: Loaded = { meta, runner: created.runner, backend, clip: createClip(meta) };
      this.loaded = loaded; // from here on dispose releases it; runs wait for 'ready'
      const warmupMs = await this.warmUp(loaded, req.warmupLevels ?? meta.budget.levels);
      // Device lost (already reported) or disposed during warm-up.
      if (this.state !== 'loading') return;
      this.state = 'ready';
      this.post({
        type: 'ready',
        metadata: meta,
        backend,
        warmupMs,
        initMs: performance.now() - started,
      });
    } catch (err) {
      // The device was lost (reported once, by deviceLost) or the engine was disposed.
      if (this.isDead()) return;
      // Before a session exists a retry (same worker) is possible; after, the worker is spent.
      this.state = this.sessionsCreated === 0 ? 'idle' : 'dead';
      this.post(toEngineError(err, { fatal: true }));
    }
  }

  /**
   * One run per requested level on an all-zero clip, so shader compilation (WebGPU: ~1 s per new
   * set of shapes, and counts change TopK's K) and wasm JIT happen before `ready`, not on the
   * first slider move.
   */
  private async warmUp(loaded: Loaded, levels: readonly number[]): Promise<number> {
    const { meta } = loaded;
    const valid: number[][] = [];
    for (const ec of levels.length > 0 ? levels : [meta.budget.default_ec]) {
      try {
        valid.push(countsForBudget(ec, meta.tokens.per_step, meta.experts.count));
      } catch (err) {
        this.post({
          type: 'error',
          code: 'invalid-budget',
          message: `Warm-up level e_c = ${ec} was skipped: ${errorMessageOf(err)}.`,
          fatal: false,
        });
      }
    }
    const started = performance.now();
    this.post({ type: 'warmup', done: 0, total: valid.length });
    for (let i = 0; i < valid.length; i++) {
      if (this.state !== 'loading') break;
      try {
        await loaded.runner.run(loaded.clip, valid[i]!);
      } catch (err) {
        throw new EngineFailure(
          'run-failed',
          `The warm-up run failed: ${errorMessageOf(err)}`,
          true,
        );
      }
      this.post({ type: 'warmup', done: i + 1, total: valid.length });
    }
    return performance.now() - started;
  }

  private deviceLost(info: GPUDeviceLostInfo): void {
    if (this.state === 'dead') return;
    this.state = 'dead';
    this.post({
      type: 'error',
      code: 'webgpu-lost',
      message: `The WebGPU device was lost (${info.reason}: ${info.message || 'no details'}); the engine has to restart.`,
      fatal: true,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // frames
  // ---------------------------------------------------------------------------------------------
  frame(msg: FrameMessage): void {
    if (this.clips === null) {
      this.framesBeforeMetadata++;
      msg.bitmap.close();
    } else if (this.state === 'dead') {
      this.clips.drop(msg);
    } else {
      this.clips.add(msg);
    }
  }

  resetClip(): void {
    this.clips?.reset();
  }

  // ---------------------------------------------------------------------------------------------
  // runs
  // ---------------------------------------------------------------------------------------------
  /** The loaded engine, or posts the reason it cannot run (answering requestId) and returns null. */
  private runnable(requestId: number): Loaded | null {
    if (this.busy) {
      this.post({ type: 'busy', requestId });
      return null;
    }
    if (this.state === 'ready' && this.loaded !== null) return this.loaded;
    const dead = this.state === 'dead';
    this.post({
      type: 'error',
      code: 'not-ready',
      message: dead
        ? 'The engine stopped after a fatal error and has to restart.'
        : 'The model is not ready yet.',
      requestId,
      fatal: dead,
    });
    return null;
  }

  private budgetError(requestId: number, counts: readonly number[], meta: ModelMetadata) {
    const why = validateCounts(counts, meta.tokens.per_step, meta.experts.count);
    if (why === null) return false;
    this.post({
      type: 'error',
      code: 'invalid-budget',
      message: `Invalid budget: ${why}.`,
      requestId,
      fatal: false,
    });
    return true;
  }

  /** The newest full clip written into loaded.clip, or posts `no-clip` and returns null. */
  private takeClip(loaded: Loaded, requestId: number): TakenClip | null {
    const taken = this.clips?.takeInto(loaded.clip) ?? null;
    if (taken === null) {
      this.post({
        type: 'error',
        code: 'no-clip',
        message: `Waiting for frames: ${this.clips?.size ?? 0} of ${loaded.meta.video.frames} buffered.`,
        requestId,
        fatal: false,
      });
    }
    return taken;
  }

  private runError(err: unknown, requestId: number): EngineError {
    if (this.state === 'dead') {
      return {
        type: 'error',
        code: 'webgpu-lost',
        message: `The WebGPU device was lost during a run: ${errorMessageOf(err)}.`,
        requestId,
        fatal: true,
      };
    }
    return toEngineError(
      new EngineFailure('run-failed', `The model run failed: ${errorMessageOf(err)}.`),
      { requestId },
    );
  }

  run(req: RunRequest): Promise<void> {
    return this.track(() => this.runOnce(req));
  }

  sweep(req: SweepRequest): Promise<void> {
    return this.track(() => this.sweepOnce(req));
  }

  /** Starts a run or sweep; remembers it when it took the engine (dispose waits for that one). */
  private track(start: () => Promise<void>): Promise<void> {
    const wasBusy = this.busy;
    const task = start(); // sets `busy` synchronously when it goes ahead
    if (!wasBusy && this.busy) this.runTask = task;
    return task;
  }

  private async runOnce(req: RunRequest): Promise<void> {
    const loaded = this.runnable(req.requestId);
    if (loaded === null || this.budgetError(req.requestId, req.counts, loaded.meta)) return;
    this.busy = true;
    try {
      const clip = this.takeClip(loaded, req.requestId);
      if (clip === null) return;
      const runStarted = performance.now();
      const out = await loaded.runner.run(loaded.clip, req.counts);
      const decodeStarted = performance.now();
      const decoded = decodeOutputs(out, loaded.meta, req.counts);
      const done = performance.now();
      this.runs++;
      this.post(
        {
          type: 'result',
          requestId: req.requestId,
          ec: req.ec,
          counts: [...req.counts],
          ...decoded,
          expertIndex: out.expertIndex,
          routerProbs: out.routerProbs,
          timings: {
            preprocessMs: clip.preprocessMs,
            runMs: decodeStarted - runStarted,
            decodeMs: done - decodeStarted,
            endToEndMs: performance.now() - clip.capturedAt,
          },
          clipTime: clip.time,
        },
        [out.expertIndex.buffer, out.routerProbs.buffer],
      );
    } catch (err) {
      this.post(this.runError(err, req.requestId));
    } finally {
      this.busy = false;
    }
  }

  private async sweepOnce(req: SweepRequest): Promise<void> {
    const loaded = this.runnable(req.requestId);
    if (loaded === null) return;
    if (!(Number.isInteger(req.repeats) && req.repeats >= 1 && req.repeats <= MAX_SWEEP_REPEATS)) {
      this.post({
        type: 'error',
        code: 'invalid-budget',
        message: `Sweep repeats must be an integer from 1 to ${MAX_SWEEP_REPEATS}, got ${req.repeats}.`,
        requestId: req.requestId,
        fatal: false,
      });
      return;
    }
    if (req.budgets.some((b) => this.budgetError(req.requestId, b.counts, loaded.meta))) return;
    this.busy = true;
    try {
      if (this.takeClip(loaded, req.requestId) === null) return;
      const points: SweepPoint[] = [];
      for (const { ec, counts } of req.budgets) {
        const times: number[] = [];
        let last: ClipOutputs | null = null;
        for (let r = 0; r < req.repeats; r++) {
          const started = performance.now();
          last = await loaded.runner.run(loaded.clip, counts);
          times.push(performance.now() - started);
          this.runs++;
        }
        const { probs, gmacs } = decodeOutputs(last!, loaded.meta, counts);
        points.push({ ec, counts: [...counts], gmacs, medianRunMs: median(times), probs });
      }
      this.post({ type: 'sweepResult', requestId: req.requestId, points });
    } catch (err) {
      this.post(this.runError(err, req.requestId));
    } finally {
      this.busy = false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // housekeeping
  // ---------------------------------------------------------------------------------------------
  async clearCache(): Promise<void> {
    try {
      this.post({ type: 'cacheCleared', removed: await clearModelCache(caches()) });
    } catch (err) {
      this.post({
        type: 'error',
        code: 'cache',
        message: `The model cache could not be cleared: ${errorMessageOf(err)}.`,
        fatal: false,
      });
    }
  }

  /**
   * Stops for good: an init in progress skips its remaining steps, a run in flight finishes,
   * then the session is released and `disposed` posted (the client then ends the worker).
   */
  async dispose(): Promise<void> {
    this.state = 'dead';
    await this.runTask;
    await this.initTask;
    const loaded = this.loaded;
    this.loaded = null;
    try {
      await loaded?.runner.release();
    } catch {
      // The worker ends right after this; nothing is left to free.
    }
    this.clips?.reset();
    this.post({ type: 'disposed', sessionsCreated: this.sessionsCreated });
  }

  stats(): void {
    this.post({
      type: 'stats',
      sessionsCreated: this.sessionsCreated,
      modelDownloads: this.modelDownloads,
      runs: this.runs,
      framesReceived: this.framesBeforeMetadata + (this.clips?.framesReceived ?? 0),
      framesDropped: this.framesBeforeMetadata + (this.clips?.framesDropped ?? 0),
      // ORT does not expose its wasm Memory object, and performance.memory does not exist in
      // workers; null rather than a guess.
      wasmMemoryBytes: null,
    });
  }
}
