/**
 * The UI's only door to the inference worker: it owns the Worker, posts ToWorker messages and
 * turns FromWorker messages into events. Keeps at most one run/sweep in flight (the next frame's
 * run is requested only when the last result is back, so stale requests never queue), and
 * restarts the worker on WASM when it crashes or loses its WebGPU device.
 *
 * Engine switches (init: backend picker, Retry, restart) go through one queue: one at a time, the
 * last request winning (src/client/switchQueue.ts). A switch asks the current worker to dispose
 * (an init in progress stops at its next step, the session is released), waits for `disposed`
 * (or DISPOSE_TIMEOUT_MS), ends it, and only then starts the next worker: never two sessions at
 * once, and choices skipped while a switch ran start nothing. A model switch (useModel) goes to
 * the running worker; one made between engines is loaded by the engine that starts next.
 *
 * `release` is a switch to no engine: the worker disposes and is ended, and none starts until
 * the next init. A worker that could not start multi-threaded WASM (`threads-unavailable`) is
 * ended and a fresh one loads the same model on one thread; every later init asks for one too.
 */
import type {
  Backend,
  EngineError,
  FromWorker,
  InitRequest,
  OwnModelSource,
  RunRequest,
  SweepRequest,
  ToWorker,
  UseModelRequest,
} from '../workers/protocol';
import { createSwitchQueue } from './switchQueue';

export type ClientEvent =
  | FromWorker
  | { type: 'restarted'; reason: string; backend: Backend }
  /** The worker could not run WASM threads; a fresh one now runs on one thread, and why. */
  | { type: 'threadsFallback'; reason: string }
  /** release() finished: the sessions were released and the worker ended. */
  | { type: 'released' };

type OwnFiles = Extract<OwnModelSource, { kind: 'files' }>;
/**
 * A model from the user's disk as the client takes it: a kept one by hash, or its files with a
 * `read` that gives their contents. The bytes are transferred to the worker that loads them, so
 * a worker started later (backend switch, Resume, restart) reads the files again, from disk.
 */
export type OwnModelInput =
  | Exclude<OwnModelSource, OwnFiles>
  | (Omit<OwnFiles, 'metadataText' | 'model'> & {
      readonly read: () => Promise<{ metadataText: string; model: ArrayBuffer }>;
    });
export type InitOptions = Omit<InitRequest, 'type' | 'own'> & { readonly own?: OwnModelInput };
export type UseModelOptions = Omit<UseModelRequest, 'type' | 'own'> & {
  readonly own?: OwnModelInput;
};

/** `base` with another model: an own model of `base` does not carry over to `model`. */
function withModel(base: InitOptions, model: UseModelOptions): InitOptions {
  const { own: _previous, ...rest } = base;
  return { ...rest, ...model };
}

/** Options ready to post: an own model's files read now, their bytes to transfer. */
async function readOwn<T extends { own?: OwnModelInput }>(
  options: T,
): Promise<{ fields: Omit<T, 'own'> & { own?: OwnModelSource }; transfer: Transferable[] }> {
  const { own, ...rest } = options;
  if (own?.kind !== 'files') return { fields: options as Omit<T, 'own'>, transfer: [] };
  const { read, ...names } = own;
  const { metadataText, model } = await read();
  return { fields: { ...rest, own: { ...names, metadataText, model } }, transfer: [model] };
}

const readFailed = (err: unknown, fatal: boolean): EngineError => ({
  type: 'error',
  code: 'own-model',
  message: `Your model's files could not be read (${err instanceof Error ? err.message : String(err)}); open them again.`,
  fatal,
});

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

/** How long a worker may take to answer `dispose` (a WebGPU run in flight) before it is ended. */
export const DISPOSE_TIMEOUT_MS = 5000;

export interface InferenceClient {
  /**
   * (Re)starts the engine: a fresh worker (its own backend and sessions) loading this model, once
   * the current one is disposed; a later init before that replaces this one.
   */
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
  /**
   * Request id, or null when a run or sweep is already in flight. `baseline` (compare mode): the
   * worker also runs that model on the same clip and answers with both in one result.
   */
  run(counts: readonly number[], ec: number, baseline?: RunRequest['baseline']): number | null;
  sweep(budgets: SweepRequest['budgets'], repeats: number): number | null;
  resetClip(): void;
  clearCache(): void;
  requestStats(): void;
  /**
   * Frees the engine: the worker releases its sessions (`disposed`) and is ended (`released`).
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
  /** The worker of the current engine; null between engines (messages to it are dropped). */
  let worker: WorkerLike | null = null;
  /** Workers asked to dispose, with what ends the wait for their answer. */
  const retiring = new Map<WorkerLike, () => void>();
  let lastInit: InitOptions | null = null;
  /** A model chosen (useModel) after the last init request, while no worker could take it. */
  let modelSince: UseModelOptions | null = null;
  let inFlight: number | null = null;
  let nextRequestId = 1;
  let restarts = 0;
  let stopped = false;
  /** Set once a worker could not run WASM threads: every later init asks for one thread. */
  let singleThread = false;
  /** Bumped by every model switch: an own model's files still being read give way to a later one. */
  let modelTicket = 0;

  function start(): WorkerLike {
    const w = spawn();
    // Events from a worker that has since been replaced are ignored, but for its `disposed`.
    w.onmessage = (event) => {
      if (event.data.type === 'disposed') {
        if (retiring.has(w)) onEvent(event.data);
        retiring.get(w)?.();
      } else if (w === worker) {
        receive(event.data);
      }
    };
    w.onerror = (event) => {
      event.preventDefault();
      if (w === worker) restart(`The inference worker crashed (${event.message || 'no details'}).`);
      else retiring.get(w)?.(); // crashed while disposing: nothing left to wait for
    };
    return w;
  }

  /** Asks the current worker to dispose, waits for its answer (bounded), then ends it. */
  function retire(): Promise<void> {
    const w = worker;
    worker = null;
    inFlight = null;
    if (w === null) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const end = () => {
        clearTimeout(timer);
        retiring.delete(w);
        w.terminate();
        resolve();
      };
      const timer = setTimeout(end, DISPOSE_TIMEOUT_MS);
      retiring.set(w, end);
      w.postMessage({ type: 'dispose' }, []);
    });
  }

  /** null: release (no engine until the next init). */
  const switches = createSwitchQueue<InitOptions | null>((next) => {
    const begin = () => {
      // A newer request waits: this target is stale, skip it (the queue runs the newer one).
      if (stopped || switches.superseded) return;
      if (next === null) {
        onEvent({ type: 'released' });
        return;
      }
      const target = modelSince === null ? next : withModel(next, modelSince);
      lastInit = target;
      modelSince = null;
      const launch = (fields: Omit<InitRequest, 'type'>, transfer: Transferable[]) => {
        worker = start();
        const threads = singleThread ? { maxThreads: 1 } : {};
        worker.postMessage({ type: 'init', ...fields, ...threads }, transfer);
        // A model chosen while the files were read goes to this worker now.
        const since = modelSince;
        modelSince = null;
        if (since !== null) client.useModel(since);
      };
      if (target.own?.kind !== 'files') return launch(target as Omit<InitRequest, 'type'>, []);
      return readOwn(target).then(
        ({ fields, transfer }) => {
          if (!(stopped || switches.superseded)) launch(fields, transfer);
        },
        (err: unknown) => onEvent(readFailed(err, true)),
      );
    };
    // No worker yet (first start, after a crash): start at once, synchronously.
    return worker === null ? begin() : retire().then(begin);
  });

  function send(message: ToWorker, transfer: Transferable[] = []): void {
    if (stopped || worker === null) {
      if (message.type === 'frame') message.bitmap.close();
      return;
    }
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
      // ORT reads numThreads once per worker: a fresh one, on one thread, loads the same model.
      stopWorker();
      singleThread = true;
      onEvent({ type: 'threadsFallback', reason: message.message });
      if (lastInit !== null) switches.request(lastInit);
      return;
    }
    onEvent(message);
    if (message.type === 'error' && message.code === 'webgpu-lost') {
      restart(`${message.message} Restarted on WASM.`);
    }
  }

  function restart(reason: string): void {
    stopWorker(); // crashed or without a device: nothing to dispose gracefully
    if (restarts >= maxRestarts) {
      stopped = true;
      const message = `${reason} It was already restarted ${restarts} times; reload the page.`;
      onEvent({ type: 'error', code: 'internal', message, fatal: true });
      return;
    }
    restarts++;
    // WASM is the backend that cannot lose a device; a crash on WebGPU is likely the GPU's doing.
    onEvent({ type: 'restarted', reason, backend: 'wasm' });
    if (lastInit !== null) switches.request({ ...lastInit, backend: 'wasm' });
  }

  function request(message: (requestId: number) => ToWorker): number | null {
    if (inFlight !== null || stopped || worker === null) return null;
    const requestId = nextRequestId++;
    inFlight = requestId;
    send(message(requestId));
    return requestId;
  }

  const client: InferenceClient = {
    init(initOptions) {
      modelSince = null;
      switches.request(initOptions);
    },
    useModel(options) {
      if (lastInit !== null) lastInit = withModel(lastInit, options);
      const ticket = ++modelTicket;
      const deliver = (fields: Omit<UseModelRequest, 'type'>, transfer: Transferable[]) => {
        if (ticket !== modelTicket) return; // a later choice wins
        // Between engines (a switch under way): the engine that starts next loads this model.
        if (worker === null) modelSince = options;
        else send({ type: 'useModel', ...fields }, transfer);
      };
      if (options.own?.kind !== 'files')
        return deliver(options as Omit<UseModelRequest, 'type'>, []);
      readOwn(options).then(
        ({ fields, transfer }) => deliver(fields, transfer),
        (err: unknown) => {
          if (ticket === modelTicket) onEvent(readFailed(err, false));
        },
      );
    },
    sendFrame(bitmap, time, capturedAt, mirrored = false) {
      const timeOrigin = performance.timeOrigin;
      send({ type: 'frame', bitmap, time, capturedAt, timeOrigin, mirrored }, [bitmap]);
    },
    run: (counts, ec, baseline) =>
      request((requestId) => ({
        type: 'run',
        requestId,
        counts,
        ec,
        ...(baseline === undefined ? {} : { baseline }),
      })),
    sweep: (budgets, repeats) =>
      request((requestId) => ({ type: 'sweep', requestId, budgets, repeats })),
    resetClip: () => send({ type: 'resetClip' }),
    clearCache: () => send({ type: 'clearCache' }),
    requestStats: () => send({ type: 'stats' }),
    release() {
      modelSince = null;
      switches.request(null);
    },
    dispose() {
      stopWorker();
      for (const end of [...retiring.values()]) end();
      stopped = true;
    },
    get inFlight() {
      return inFlight !== null;
    },
  };
  return client;
}
