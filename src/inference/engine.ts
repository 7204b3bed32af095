/**
 * The worker's state and request handling: init (metadata → backend → model → session →
 * warm-up → ready), model switches (useModel), frames into the clip buffer, runs and sweeps on the
 * newest clip, stats, and dispose (stop, release the sessions, say so) before the client ends the
 * worker.
 *
 * Invariants: one session per model, reused (a budget change is just another `expert_counts`
 * input, and switching back to a model takes its session from the cache of loaded models, at most
 * MAX_LOADED_MODELS, the least recently used released first); one backend per worker; one run in
 * flight, a second answered `busy` and never queued; every request is answered with exactly one
 * message.
 */
import type { AdapterInfo, Backend, BackendPreference } from '../model/backendChoice';
import { probeAdapter } from '../model/adapterProbe';
import { chooseBackend, wasmThreads } from '../model/backendChoice';
import { countsForBudget, validateCounts } from '../model/budget';
import { compareProblem } from '../model/compare';
import { fullExpertCounts, gmacsForCounts } from '../model/macs';
import { median } from '../model/latencyStats';
import type { ModelMetadata } from '../model/metadata';
import { softmax } from '../model/postprocess';
import { createClip } from '../model/preprocess';
import { defaultWarmupLevels } from '../model/warmup';
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
  BaselineOutcome,
  EngineError,
  FrameMessage,
  FromWorker,
  InitRequest,
  RunRequest,
  SweepPoint,
  SweepRequest,
  UseModelRequest,
} from '../workers/protocol';
import { configureRuntime, createSession } from './session';
import { keepModel } from '../model/keptModels';
import { openOwnModel, ownModelFailure, type OpenedOwnModel } from './ownModelSource';
import { MAX_LOADED_MODELS } from '../model/modelsIndex';
import { SessionCache } from './sessionCache';
import { ownModelWeights, weightsPlans } from '../model/weights';
import type { RunningWeights, WeightsPlan, WeightsPreference } from '../model/weights';
import {
  raceTimeout,
  singleThreadRetry,
  THREADED_START_TIMEOUT_MS,
  TIMED_OUT,
  timeoutWhy,
} from '../model/threadFallback';

export type Post = (message: FromWorker, transfer?: Transferable[]) => void;

/** One loaded model: everything a run needs. */
interface Loaded {
  readonly meta: ModelMetadata;
  readonly runner: ModelRunner;
  /** The request's metadataUrl (echoed in `ready`). */
  readonly requestUrl: string;
  /** Reused input buffer [1, T, 3, H, W]; only written while no run is in flight. */
  readonly clip: Float32Array;
  /** Which of the metadata's weights the session runs, and why. */
  readonly weights: RunningWeights;
}

/** A model loaded and warmed up, and how long its warm-up took. */
interface Warm {
  readonly loaded: Loaded;
  readonly warmupMs: number;
}

/** What init settled for the whole worker: every model runs on this backend. */
interface Runtime {
  backend: Backend;
  readonly preference: BackendPreference;
  readonly adapter: AdapterInfo | null;
  readonly threads: number;
  readonly bypassCache: boolean;
  /** 'fp32' forces model_file; 'auto' takes the metadata's weights for the backend. */
  readonly weights: WeightsPreference;
  readonly verbose: boolean;
  /** A download (metadata or model) with no bytes for this long fails with `model-stalled`. */
  readonly stallMs: number;
}

const MAX_SWEEP_REPEATS = 50;

function caches(): CacheStorage | undefined {
  return (globalThis as { caches?: CacheStorage }).caches;
}

const absoluteUrl = (url: string) => new URL(url, self.location.href).href;

/** A model's metadata, and its bytes when it came from the user's disk (else they download). */
interface ModelSource {
  readonly meta: ModelMetadata;
  readonly own: OpenedOwnModel | null;
}

/** The metadata of a request: fetched from its URL, or an own model's pair, checked. */
async function sourceOf(req: InitRequest | UseModelRequest, stallMs: number): Promise<ModelSource> {
  if (req.own === undefined) {
    return { meta: await fetchMetadata(fetch, absoluteUrl(req.metadataUrl), stallMs), own: null };
  }
  const own = await openOwnModel(req.own, caches(), self.location.origin);
  return { meta: own.meta, own };
}

/** An own model's failures name it (and the field at fault); others pass unchanged. */
const failureOf = (req: InitRequest | UseModelRequest, err: unknown, suffix = '') =>
  req.own === undefined ? err : ownModelFailure(req.own, err, suffix);

export class InferenceEngine {
  private readonly post: Post;
  private state: 'idle' | 'loading' | 'ready' | 'dead' = 'idle';
  private runtime: Runtime | null = null;
  /** Loaded models by absolute metadata URL. */
  private readonly sessions = new SessionCache<Loaded>(MAX_LOADED_MODELS, (l) =>
    this.releaseSession(l),
  );
  /** The model runs use; set once init succeeded. */
  private active: Loaded | null = null;
  /**
   * The models of the run or sweep in flight (two in compare mode); a release of one of them
   * waits for the run to end.
   */
  private running = new Set<Loaded>();
  private releaseAfterRun: Loaded[] = [];
  /** The latest useModel request waiting for the current load to end. */
  private queued: UseModelRequest | null = null;
  /** Exists once the metadata is known (frames are buffered while the model loads). */
  private clips: ClipBuffer | null = null;
  private busy = false;
  /** Called when the run or sweep in flight ends (dispose waits for it). */
  private idleWaiters: (() => void)[] = [];
  private watchingDevice = false;
  private sessionsCreated = 0;
  private readonly sessionsByModel: Record<string, number> = {};
  private modelDownloads = 0;
  private runs = 0;
  /** Frames that arrived before any ClipBuffer existed. */
  private framesBeforeMetadata = 0;
  /** The last init or model switch, and the last run or sweep that went ahead (dispose waits). */
  private loadTask: Promise<void> = Promise.resolve();
  private runTask: Promise<void> = Promise.resolve();

  constructor(post: Post) {
    this.post = post;
  }

  /** A method, not an inline comparison: `state` changes across awaits (device lost). */
  private isDead(): boolean {
    return this.state === 'dead';
  }

  // ---------------------------------------------------------------------------------------------
  // init and model switches
  // ---------------------------------------------------------------------------------------------
  init(req: InitRequest): Promise<void> {
    const first = this.state === 'idle';
    const task = this.initialise(req);
    if (first) this.loadTask = task; // a refused second init leaves the real one tracked
    return task;
  }

  private async initialise(req: InitRequest): Promise<void> {
    if (this.state !== 'idle') {
      this.post({
        type: 'error',
        code: 'internal',
        message: 'The engine is already initialised; use useModel to switch models.',
        fatal: false,
      });
      return;
    }
    this.state = 'loading';
    const started = performance.now();
    const verbose = req.verboseLogs ?? false;
    try {
      const stallMs = req.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
      const { meta, own } = await sourceOf(req, stallMs);
      if (this.isDead()) return; // disposed meanwhile: every step below is skipped
      // Frames may arrive while the model downloads: start buffering them now.
      this.clips = new ClipBuffer(meta);

      const adapter = await probeAdapter();
      if (this.isDead()) return;
      const choice = chooseBackend(req.backend, adapter);
      if (!choice.ok) throw new EngineFailure('backend-unavailable', choice.reason, true);
      // SharedArrayBuffer can be missing even on an isolated page (old or locked-down browsers).
      const shared = self.crossOriginIsolated && typeof SharedArrayBuffer !== 'undefined';
      const threads = Math.max(
        1,
        Math.min(wasmThreads(shared, navigator.hardwareConcurrency), req.maxThreads ?? Infinity),
      );
      this.runtime = {
        backend: choice.backend,
        preference: req.backend,
        adapter,
        threads,
        bypassCache: req.bypassCache ?? false,
        weights: req.weights ?? 'auto',
        verbose,
        stallMs,
      };
      this.announce(choice.reason);
      configureRuntime(threads, verbose);
      const { loaded, warmupMs } = await this.load(req.metadataUrl, meta, req.warmupLevels, own);
      // Device lost (already reported) or disposed during warm-up.
      if (this.state !== 'loading') return;
      this.activate(loaded, false, warmupMs, started);
    } catch (err) {
      // The device was lost (reported once, by deviceLost) or the engine was disposed.
      if (this.isDead()) return;
      // Before a session exists a retry (same worker) is possible; after, the worker is spent.
      this.state = this.sessionsCreated === 0 ? 'idle' : 'dead';
      this.queued = null;
      this.post(toEngineError(failureOf(req, err), { fatal: true }));
      return;
    }
    await this.drainQueue();
  }

  /** Makes another model active (see UseModelRequest); a loaded one is reused. */
  async useModel(req: UseModelRequest): Promise<void> {
    if (this.state === 'dead' || (this.state === 'idle' && this.active === null)) {
      this.post({
        type: 'error',
        code: 'not-ready',
        message:
          this.state === 'dead'
            ? 'The engine stopped after a fatal error and has to restart.'
            : 'The engine has no backend yet: init comes first.',
        fatal: this.state === 'dead',
      });
      return;
    }
    this.queued = req;
    if (this.state !== 'ready') return; // the load in progress drains the queue when it ends
    this.loadTask = this.drainQueue();
    await this.loadTask;
  }

  /** Switches to the waiting request, and to the next one that arrived meanwhile. */
  private async drainQueue(): Promise<void> {
    for (let req = this.queued; req !== null && this.state === 'ready'; req = this.queued) {
      this.queued = null;
      await this.switchTo(req);
    }
  }

  private async switchTo(req: UseModelRequest): Promise<void> {
    const started = performance.now();
    const cached = this.sessions.take(absoluteUrl(req.metadataUrl));
    if (cached !== undefined) {
      // The same pair again, now with "Keep on this device": its session serves, the pair is kept.
      if (req.own?.kind === 'files' && req.own.keep) {
        await this.keep(await openOwnModel(req.own, caches(), self.location.origin));
      }
      return this.activate(cached, true, 0, started);
    }
    const previous = this.active;
    this.state = 'loading';
    try {
      const { meta, own } = await sourceOf(req, this.runtime!.stallMs);
      const { loaded, warmupMs } = await this.load(req.metadataUrl, meta, req.warmupLevels, own);
      // Device lost (already reported) or disposed during warm-up.
      if (this.state !== 'loading') return;
      this.activate(loaded, false, warmupMs, started);
    } catch (err) {
      if (this.isDead()) return;
      const back = previous !== null && this.sessions.take(absoluteUrl(previous.requestUrl));
      if (!back) {
        this.state = 'dead';
        this.post(toEngineError(failureOf(req, err), { fatal: true }));
        return;
      }
      // The previous model keeps running; `ready` first (it clears stale errors), then why.
      this.activate(previous, true, 0, started);
      const why = failureOf(req, err, `. ${previous.meta.name} keeps running.`);
      this.post(toEngineError(why, { fatal: false }));
    }
  }

  private announce(reason: string): void {
    const runtime = this.runtime!;
    this.post({
      type: 'backend',
      backend: runtime.backend,
      reason,
      adapter: runtime.adapter,
      threads: runtime.threads,
      crossOriginIsolated: self.crossOriginIsolated,
    });
  }

  /**
   * Model bytes → session → warm-up, into the cache of loaded models (not yet active). Without
   * levels: defaultWarmupLevels for the backend that ends up running it (src/model/warmup.ts).
   * The weights are the metadata's file for this backend (src/model/weights.ts: int8 on WASM when
   * measured), else model_file; one that fails to download, open or warm up is named in a warning
   * and model_file runs instead.
   */
  private async load(
    requestUrl: string,
    meta: ModelMetadata,
    levels: readonly number[] | undefined,
    own: OpenedOwnModel | null,
    purpose?: 'baseline',
  ): Promise<Warm> {
    const tag = purpose === undefined ? {} : { purpose };
    if (this.isDead()) throw new EngineFailure('internal', 'The engine was disposed.', true);
    const runtime = this.runtime!;
    if (own !== null) {
      const running = ownModelWeights(meta);
      const loaded = await this.loadWeights(requestUrl, meta, running, own.bytes, levels, tag);
      if (own.keep) await this.keep(own);
      return this.cached(requestUrl, loaded);
    }
    const plans = weightsPlans(meta, runtime.backend, runtime.weights);
    for (let i = 0; ; i++) {
      const plan = plans[i]!;
      const next = plans[i + 1];
      try {
        const bytes = await this.download(requestUrl, plan, tag);
        return this.cached(
          requestUrl,
          await this.loadWeights(requestUrl, meta, plan.running, bytes, levels, tag),
        );
      } catch (err) {
        const threads = err instanceof EngineFailure && err.code === 'threads-unavailable';
        if (next === undefined || threads || this.isDead()) throw err;
        this.post({
          type: 'error',
          code: 'weights-fallback',
          message: `${meta.name}: ${plan.file} could not be used (${errorMessageOf(err)}); ${next.file} runs instead.`,
          fatal: false,
        });
      }
    }
  }

  /** The model into the cache of loaded models. */
  private cached(requestUrl: string, warm: Warm): Warm {
    this.sessions.add(absoluteUrl(requestUrl), warm.loaded);
    return warm;
  }

  /** A weights file of a shipped model, from Cache Storage or the network (sha256 checked). */
  private async download(
    requestUrl: string,
    plan: WeightsPlan,
    tag: { purpose?: 'baseline' },
  ): Promise<Uint8Array> {
    const runtime = this.runtime!;
    const model = await loadModel(
      modelUrlOf(absoluteUrl(requestUrl), plan.file),
      { model_file: plan.file, model_bytes: plan.bytes, model_sha256: plan.sha256 },
      { bypassCache: runtime.bypassCache, stallTimeoutMs: runtime.stallMs },
      {
        fetch: (input, init) => fetch(input, init),
        caches: caches(),
        onProgress: (p) => this.post({ type: 'loadProgress', ...p, ...tag }),
        onWarning: (message) => this.post({ type: 'error', code: 'cache', message, fatal: false }),
      },
    );
    if (model.downloaded) this.modelDownloads++;
    return model.bytes;
  }

  /** Session → warm-up for one set of weights; the session is released if the warm-up fails. */
  private async loadWeights(
    requestUrl: string,
    meta: ModelMetadata,
    chosen: RunningWeights,
    bytes: Uint8Array,
    warmupLevels: readonly number[] | undefined,
    tag: { purpose?: 'baseline' },
  ): Promise<Warm> {
    const runtime = this.runtime!;
    let weights = chosen;
    // No session for an engine that is going away (the caller stops quietly: isDead).
    if (this.isDead()) throw new EngineFailure('internal', 'The engine was disposed.', true);

    this.sessions.makeRoom(); // never more than MAX_LOADED_MODELS sessions at once
    let created;
    try {
      created = await this.createFirstThreaded(bytes, meta);
    } catch (err) {
      if (err instanceof EngineFailure && err.code === 'threads-unavailable') throw err;
      // 'auto' promised a working backend: if WebGPU fails to build the first session, say so
      // and use WASM. A forced WebGPU fails loudly instead.
      const first = this.sessionsCreated === 0;
      if (!(first && runtime.preference === 'auto' && runtime.backend === 'webgpu')) throw err;
      runtime.backend = 'wasm';
      this.announce(`WebGPU could not run the model (${errorMessageOf(err)}); using WASM.`);
      created = await this.createFirstThreaded(bytes, meta);
      // The weights were chosen for WebGPU; the next model loaded gets WASM's.
      weights = { ...weights, reason: `${weights.kind} weights: chosen for WebGPU, which failed` };
    }
    this.sessionsCreated++;
    this.sessionsByModel[meta.name] = (this.sessionsByModel[meta.name] ?? 0) + 1;
    if (created.device !== null && !this.watchingDevice) {
      this.watchingDevice = true;
      void created.device.lost.then((info) => this.deviceLost(info));
    }

    const loaded: Loaded = {
      meta,
      runner: created.runner,
      requestUrl,
      clip: createClip(meta),
      weights,
    };
    try {
      // Resolved here: a WebGPU that failed to build the session has just become WASM.
      const levels = warmupLevels ?? defaultWarmupLevels(meta, runtime.backend);
      return { loaded, warmupMs: await this.warmUp(loaded, levels, tag) };
    } catch (err) {
      this.releaseSession(loaded);
      throw err;
    }
  }

  /** Stores an own model that runs ("Keep on this device"); a failure only costs the keeping. */
  private async keep(own: OpenedOwnModel): Promise<void> {
    const storage = caches();
    try {
      if (storage === undefined) throw new Error('Cache Storage is not available here');
      await keepModel(storage, self.location.origin, own.sha256, own.metadataText, own.bytes);
    } catch (err) {
      const full = err instanceof DOMException && err.name === 'QuotaExceededError';
      const why = full ? 'browser storage is full' : errorMessageOf(err);
      this.post({
        type: 'error',
        code: 'cache',
        message: `Your model runs but could not be kept on this device (${why}); it is gone when you leave the page.`,
        fatal: false,
      });
    }
  }

  /**
   * createSession, with a deadline for the first session when WASM runs more than one thread: a
   * threaded build that fails or hangs there becomes 'threads-unavailable', and the client starts
   * a fresh worker on one thread (src/model/threadFallback.ts).
   */
  private async createFirstThreaded(bytes: Uint8Array, meta: ModelMetadata) {
    const runtime = this.runtime!;
    const create = createSession(bytes, runtime.backend, meta, runtime.verbose);
    if (runtime.threads <= 1 || this.sessionsCreated > 0) return create;
    let why: string;
    try {
      const created = await raceTimeout(create, THREADED_START_TIMEOUT_MS);
      if (created !== TIMED_OUT) return created;
      why = timeoutWhy(THREADED_START_TIMEOUT_MS);
    } catch (err) {
      // WebGPU failing is the backend's problem (the caller falls back to WASM), not the threads'.
      if (runtime.backend === 'webgpu') throw err;
      why = errorMessageOf(err);
    }
    const message = singleThreadRetry(runtime.threads, true, { ok: false, why });
    throw new EngineFailure('threads-unavailable', message!, true);
  }

  /** `loaded` runs from now on; answers with `ready` unless another request is waiting. */
  private activate(loaded: Loaded, cached: boolean, warmupMs: number, started: number): void {
    this.active = loaded;
    this.clips ??= new ClipBuffer(loaded.meta);
    this.clips.useModel(loaded.meta);
    this.state = 'ready';
    if (this.queued !== null) return; // superseded: the waiting request will answer
    this.post({
      type: 'ready',
      metadataUrl: loaded.requestUrl,
      cached,
      metadata: loaded.meta,
      backend: this.runtime!.backend,
      weights: loaded.weights,
      warmupMs,
      initMs: performance.now() - started,
    });
  }

  private releaseSession(loaded: Loaded): void {
    if (this.running.has(loaded)) {
      this.releaseAfterRun.push(loaded);
      return;
    }
    loaded.runner.release().catch(() => undefined); // a failed release leaks, nothing worse
  }

  /** Marks the end of a run or sweep on `this.running`; a release it held back happens now. */
  private runEnded(): void {
    this.busy = false;
    this.running.clear();
    const pending = this.releaseAfterRun;
    this.releaseAfterRun = [];
    pending.forEach((l) => this.releaseSession(l));
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  }

  /**
   * One run per requested level on an all-zero clip, so shader compilation (WebGPU: ~1 s per new
   * set of shapes, and counts change TopK's K) and wasm JIT happen before `ready`, not on the
   * first slider move.
   */
  private async warmUp(
    loaded: Loaded,
    levels: readonly number[],
    tag: { purpose?: 'baseline' } = {},
  ): Promise<number> {
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
    this.post({ type: 'warmup', done: 0, total: valid.length, ...tag });
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
      this.post({ type: 'warmup', done: i + 1, total: valid.length, ...tag });
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
    if (this.state === 'ready' && this.active !== null) return this.active;
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
    this.running.add(loaded);
    try {
      const clip = this.takeClip(loaded, req.requestId);
      if (clip === null) return;
      const runStarted = performance.now();
      const out = await loaded.runner.run(loaded.clip, req.counts);
      const decodeStarted = performance.now();
      const decoded = decodeOutputs(out, loaded.meta, req.counts);
      const done = performance.now();
      this.runs++;
      // The running model's timings end here: the baseline's run is not part of its latency.
      const endToEndMs = done - clip.capturedAt;
      const baseline =
        req.baseline === undefined
          ? {}
          : { baseline: await this.runBaseline(req.baseline.metadataUrl, loaded) };
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
            endToEndMs,
          },
          clipTime: clip.time,
          ...baseline,
        },
        [out.expertIndex.buffer, out.routerProbs.buffer],
      );
    } catch (err) {
      this.post(this.runError(err, req.requestId));
    } finally {
      this.runEnded();
      // A model switch that arrived while the baseline loaded waited for it.
      if (this.queued !== null && this.state === 'ready') this.loadTask = this.drainQueue();
    }
  }

  /**
   * Compare mode: the baseline on the input tensor `model` just ran (model.clip, untouched since:
   * no second clip, no copy), loaded first when it is not among the loaded models. While it loads
   * the engine says 'loading', so a model switch waits for the end of this run; its progress is
   * tagged `purpose: 'baseline'` (the page keeps the running model ready). A baseline that cannot
   * load, run or be compared is answered in the outcome: the running model's result still counts.
   */
  private async runBaseline(url: string, model: Loaded): Promise<BaselineOutcome> {
    const fail = (why: string): BaselineOutcome => ({ ok: false, metadataUrl: url, message: why });
    let baseline = this.sessions.peek(absoluteUrl(url));
    if (baseline === undefined) {
      // A switch already loading owns the engine's state: loading beside it would end its
      // 'loading' early and drop the model it loads. The baseline waits for a later clip.
      if (this.state !== 'ready') {
        return fail('A model switch is in progress: the baseline runs from the next clip.');
      }
      // The running model becomes the most recently used: loading the baseline never evicts it.
      this.sessions.take(absoluteUrl(model.requestUrl));
      this.state = 'loading';
      try {
        const meta = await fetchMetadata(fetch, absoluteUrl(url), this.runtime!.stallMs);
        const problem = compareProblem(model.meta, meta);
        if (problem !== null) return fail(`${problem}.`);
        baseline = (await this.load(url, meta, undefined, null, 'baseline')).loaded;
        this.sessions.take(absoluteUrl(model.requestUrl)); // and stays the one kept longest
      } catch (err) {
        if (this.isDead()) throw err;
        return fail(`The baseline could not be loaded: ${errorMessageOf(err)}`);
      } finally {
        if (!this.isDead()) this.state = 'ready';
      }
    }
    const problem = compareProblem(model.meta, baseline.meta);
    if (problem !== null) return fail(`${problem}.`);
    this.running.add(baseline);
    const counts = fullExpertCounts(baseline.meta); // a dense model ignores the budget
    try {
      const started = performance.now();
      const out = await baseline.runner.run(model.clip, counts);
      const runMs = performance.now() - started;
      this.runs++;
      return {
        ok: true,
        model: baseline.meta.name,
        probs: Array.from(softmax(out.logits)),
        gmacs: gmacsForCounts(baseline.meta, counts),
        runMs,
      };
    } catch (err) {
      if (this.isDead()) throw err;
      return fail(`The baseline's run failed: ${errorMessageOf(err)}.`);
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
    this.running.add(loaded);
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
      this.runEnded();
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
    this.queued = null;
    await this.runTask;
    await this.loadTask;
    const loaded = new Set(this.sessions.clear());
    if (this.active !== null) loaded.add(this.active);
    this.active = null;
    for (const l of loaded) {
      try {
        await l.runner.release();
      } catch {
        // The worker ends right after this; nothing is left to free.
      }
    }
    this.clips?.reset();
    this.post({
      type: 'disposed',
      sessionsCreated: this.sessionsCreated,
      sessionsByModel: { ...this.sessionsByModel },
    });
  }

  stats(): void {
    this.post({
      type: 'stats',
      sessionsCreated: this.sessionsCreated,
      sessionsByModel: { ...this.sessionsByModel },
      loadedModels: this.sessions.values().map((l) => l.meta.name),
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
