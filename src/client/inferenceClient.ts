/**
 * The UI's only door to the inference worker: it owns the Worker, posts ToWorker messages and
 * turns FromWorker messages into events. Keeps at most one run/sweep in flight (the next frame's
 * run is requested only when the last result is back, so stale requests never queue), and
 * restarts the worker on WASM when it crashes or loses its WebGPU device, and on one WASM thread
 * when multi-threaded WASM could not start (`threads-unavailable`). `release` frees the sessions
 * and the worker; the next init starts a fresh one.
 */
import type {
  Backend,
  FromWorker,
  InitRequest,
  SweepRequest,
  ToWorker,
  UseModelRequest,
} from '../workers/protocol';

export type ClientEvent =
  | FromWorker
  | { type: 'restarted'; reason: string; backend: Backend }
  /** The worker could not run WASM threads; a fresh one now runs on one thread, and why. */
  | { type: 'threadsFallback'; reason: string }
  /** release() finished: the sessions were released and the worker terminated. */
  | { type: 'released' };
export type InitOptions = Omit<InitRequest, 'type'>;
export type UseModelOptions = Omit<UseModelRequest, 'type'>;

/** The parts of a Worker the client uses (a fake in unit tests). */
export interface WorkerLike {
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  postMessage(message: ToWorker, transfer: Transferable[]): void;
  terminate(): void;
}

export interface InferenceClientOptions {
  createWorker?: () => WorkerLike;
  /** Restarts before giving up (a worker that crashes on every start would loop). Default 3. */
  maxRestarts?: number;
  /** How long release() waits for the worker's `disposed` before terminating it anyway. */
  releaseTimeoutMs?: number;
}

export interface InferenceClient {
  /** (Re)starts the engine: a fresh worker (its own backend and sessions) loading this model. */
  init(options: InitOptions): void;
  /**
   * Switches the running worker to another model (its session reused when it was loaded before);
   * a restart after a crash loads this model.
   */
  useModel(options: UseModelOptions): void;
  /**
   * Transfers the bitmap (the worker closes it). `capturedAt` is this thread's performance.now();
   * `mirrored` flips it left-right before the model.
   */
  sendFrame(bitmap: ImageBitmap, time: number, capturedAt: number, mirrored?: boolean): void;
  /** Request id, or null when a run or sweep is already in flight. */
  run(counts: readonly number[], ec: number): number | null;
  sweep(budgets: SweepRequest['budgets'], repeats: number): number | null;
  resetClip(): void;
  clearCache(): void;
  requestStats(): void;
  /**
   * Frees the engine: the worker releases its sessions, then is terminated (`released` event).
   * The next init starts a fresh worker (the model comes from Cache Storage).
   */
  release(): void;
  dispose(): void;
  readonly inFlight: boolean;
}

function spawnInferenceWorker(): WorkerLike {
  // Vite recognises this exact `new Worker(new URL(...), { type: 'module' })` shape and bundles
  // the worker (and onnxruntime's wasm) as a separate chunk.
  return new Worker(new URL('../workers/inference.worker.ts', import.meta.url), {
    type: 'module',
    name: 'mone-inference',
  });
}

export function createInferenceClient(
  onEvent: (event: ClientEvent) => void,
  options: InferenceClientOptions = {},
): InferenceClient {
  const spawn = options.createWorker ?? spawnInferenceWorker;
  const maxRestarts = options.maxRestarts ?? 3;
  let worker: WorkerLike | null = null;
  let lastInit: InitOptions | null = null;
  let inFlight: number | null = null;
  let nextRequestId = 1;
  let restarts = 0;
  let stopped = false;
  /** Set once a worker could not run WASM threads: every later init asks for one thread. */
  let singleThread = false;
  const releaseTimeoutMs = options.releaseTimeoutMs ?? 5000;

  function start(): WorkerLike {
    const w = spawn();
    // Events from a worker that has since been replaced are ignored.
    w.onmessage = (event) => {
      if (w === worker) receive(event.data);
    };
    w.onerror = (event) => {
      if (w !== worker) return;
      event.preventDefault();
      restart(`The inference worker crashed (${event.message || 'no details'}).`);
    };
    return w;
  }

  function send(message: ToWorker, transfer: Transferable[] = []): void {
    if (stopped) return;
    worker ??= start();
    worker.postMessage(message, transfer);
  }

  function stopWorker(): void {
    worker?.terminate();
    worker = null;
    inFlight = null;
  }

  function receive(message: FromWorker): void {
    if ('requestId' in message && message.requestId === inFlight) inFlight = null;
    if (message.type === 'error' && message.code === 'threads-unavailable' && !singleThread) {
      return fallBackToOneThread(message.message);
    }
    onEvent(message);
    if (message.type === 'error' && message.code === 'webgpu-lost') {
      restart(`${message.message} Restarted on WASM.`);
    }
  }

  function restart(reason: string): void {
    stopWorker();
    if (restarts >= maxRestarts) {
      stopped = true;
      const message = `${reason} It was already restarted ${restarts} times; reload the page.`;
      onEvent({ type: 'error', code: 'internal', message, fatal: true });
      return;
    }
    restarts++;
    // WASM is the backend that cannot lose a device; a crash on WebGPU is likely the GPU's doing.
    onEvent({ type: 'restarted', reason, backend: 'wasm' });
    if (lastInit !== null) {
      lastInit = { ...lastInit, backend: 'wasm' };
      send({ type: 'init', ...withThreads(lastInit) });
    }
  }

  /** A fresh worker on one thread (ORT reads numThreads once per worker), loading the same model. */
  function fallBackToOneThread(reason: string): void {
    stopWorker();
    singleThread = true;
    onEvent({ type: 'threadsFallback', reason });
    if (lastInit !== null) send({ type: 'init', ...withThreads(lastInit) });
  }

  const withThreads = (o: InitOptions): InitOptions => (singleThread ? { ...o, maxThreads: 1 } : o);

  /** Asks `w` to release its sessions; terminates it on `disposed` or after a timeout. */
  function releaseWorker(w: WorkerLike): void {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      w.terminate();
      onEvent({ type: 'released' });
    };
    const timer = setTimeout(finish, releaseTimeoutMs);
    w.onerror = finish;
    w.onmessage = (event) => {
      // Its final stats (nothing loaded), unless a fresh worker already reports its own.
      if (event.data.type === 'stats' && worker === null) onEvent(event.data);
      if (event.data.type === 'disposed') finish();
    };
    w.postMessage({ type: 'dispose' }, []);
  }

  function request(message: (requestId: number) => ToWorker): number | null {
    if (inFlight !== null || stopped) return null;
    const requestId = nextRequestId++;
    inFlight = requestId;
    send(message(requestId));
    return requestId;
  }

  return {
    init(initOptions) {
      if (lastInit !== null) stopWorker();
      lastInit = initOptions;
      send({ type: 'init', ...withThreads(initOptions) });
    },
    useModel(options) {
      if (lastInit !== null) lastInit = { ...lastInit, ...options };
      send({ type: 'useModel', ...options });
    },
    sendFrame(bitmap, time, capturedAt, mirrored = false) {
      if (stopped) return bitmap.close();
      const timeOrigin = performance.timeOrigin;
      send({ type: 'frame', bitmap, time, capturedAt, timeOrigin, mirrored }, [bitmap]);
    },
    run: (counts, ec) => request((requestId) => ({ type: 'run', requestId, counts, ec })),
    sweep: (budgets, repeats) =>
      request((requestId) => ({ type: 'sweep', requestId, budgets, repeats })),
    resetClip: () => send({ type: 'resetClip' }),
    clearCache: () => send({ type: 'clearCache' }),
    requestStats: () => send({ type: 'stats' }),
    release() {
      const w = worker;
      worker = null; // the next message starts a fresh worker
      inFlight = null;
      if (w === null) onEvent({ type: 'released' });
      else releaseWorker(w);
    },
    dispose() {
      stopWorker();
      stopped = true;
    },
    get inFlight() {
      return inFlight !== null;
    },
  };
}
