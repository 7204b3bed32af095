/**
 * The UI's only door to the inference worker: it owns the Worker, posts ToWorker messages and
 * turns FromWorker messages into events. Keeps at most one run/sweep in flight (the next frame's
 * run is requested only when the last result is back, so stale requests never queue), and
 * restarts the worker on WASM when it crashes or loses its WebGPU device.
 */
import type {
  Backend,
  FromWorker,
  InitRequest,
  SweepRequest,
  ToWorker,
  UseModelRequest,
} from '../workers/protocol';

export type ClientEvent = FromWorker | { type: 'restarted'; reason: string; backend: Backend };
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
      send({ type: 'init', ...lastInit });
    }
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
      send({ type: 'init', ...initOptions });
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
    dispose() {
      stopWorker();
      stopped = true;
    },
    get inFlight() {
      return inFlight !== null;
    },
  };
}
