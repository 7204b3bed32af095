/**
 * The one message protocol between the UI (src/client/inferenceClient.ts) and the inference
 * worker.
 *
 * Both directions are discriminated unions on `type`. The UI imports only these types, so a change
 * here breaks every caller at compile time. Progress, warm-up, readiness, results and errors are
 * distinct messages so the UI's state machine (idle → loading → warming → ready → running → error)
 * follows the worker without guessing. Pure types: no DOM, no runtime code.
 */
import type { AdapterInfo, Backend, BackendPreference } from '../model/backendChoice';
import type { ModelMetadata } from '../model/metadata';
import type { RunningWeights, WeightsPreference } from '../model/weights';

// Defined beside the pure backend choice (src/model/backendChoice.ts), re-exported here so
// the UI keeps importing every message type from one place. 'auto' lets the worker choose
// (hardware WebGPU adapter → webgpu, otherwise wasm).
export type { AdapterInfo, Backend, BackendPreference } from '../model/backendChoice';
export type { RunningWeights, WeightsPreference } from '../model/weights';

// ---------------------------------------------------------------------------------------------
// UI → worker
// ---------------------------------------------------------------------------------------------
/**
 * A model from the user's disk, read in the page: the metadata's text and the ONNX bytes
 * (transferred, never copied), or one kept on this device, which the worker reads from Cache
 * Storage by its sha256 (src/model/keptModels.ts). Never fetched, never sent anywhere.
 */
export type OwnModelSource =
  | {
      readonly kind: 'files';
      /** sha256 of `model`, computed by the page (its id: `own:<sha256>`). */
      readonly sha256: string;
      readonly modelFile: string;
      readonly metadataFile: string;
      readonly metadataText: string;
      readonly model: ArrayBuffer;
      /** Store the pair in Cache Storage once it has loaded and warmed up. */
      readonly keep: boolean;
    }
  | { readonly kind: 'kept'; readonly sha256: string };

export interface InitRequest {
  readonly type: 'init';
  /**
   * URL of the metadata JSON (same origin), e.g. `/models/mone-vivit-s.json`; for an own model
   * (`own` set) its id `own:<sha256>`, which only names it.
   */
  readonly metadataUrl: string;
  /** A model from the user's disk instead of the URL. */
  readonly own?: OwnModelSource;
  readonly backend: BackendPreference;
  /**
   * e_c levels to warm up, so the slider never stutters; default every level of the metadata's
   * budget.levels (what the UI offers), one run for a dense model. The page does not read the
   * metadata itself: the worker fetches and validates it once and hands it over with `ready`.
   */
  readonly warmupLevels?: readonly number[];
  /**
   * A download (metadata or model) that receives no bytes for this long fails with
   * `model-stalled`; default 30 000. A stall timeout, not a limit on the whole download.
   */
  readonly stallTimeoutMs?: number;
  /** Skip Cache Storage (always download); default false. */
  readonly bypassCache?: boolean;
  /**
   * 'auto' (default): each model runs the weights its metadata lists for the backend (int8 on
   * WASM where measured; src/model/weights.ts), else model_file; 'fp32': model_file always (the
   * golden-vector parity checks hold for it). One setting per worker, like the backend.
   */
  readonly weights?: WeightsPreference;
  /**
   * Diagnostics: onnxruntime verbose logging to the worker console (includes the node → EP
   * placement printed at session creation); default false.
   */
  readonly verboseLogs?: boolean;
  /**
   * At most this many WASM threads (default: as many as the page allows). The client sends 1 after
   * a worker could not start multi-threaded WASM (`threads-unavailable`).
   */
  readonly maxThreads?: number;
}

/**
 * Make another model the active one, on the same worker and backend. A model loaded before (and
 * still among the worker's loaded models) is reused: no second session. Answered like init:
 * progress and warm-up when it loads, then `ready`; a request that arrives while another model
 * loads replaces any request still waiting, and only the last one is answered with `ready`.
 */
export interface UseModelRequest {
  readonly type: 'useModel';
  /** URL of the metadata JSON, as in init (an own model's id with `own`). */
  readonly metadataUrl: string;
  readonly own?: OwnModelSource;
  /** As in init: default every level of the model's budget.levels (one run for a dense model). */
  readonly warmupLevels?: readonly number[];
}

/** One video frame, already centre-cropped and resized to the model's input by the UI. */
export interface FrameMessage {
  readonly type: 'frame';
  readonly bitmap: ImageBitmap;
  /** Source media time in seconds (for ordering/diagnostics). */
  readonly time: number;
  /** performance.now() on the UI thread when captured: end-to-end latency starts here. */
  readonly capturedAt: number;
  /**
   * performance.timeOrigin of the UI thread (set by the client): the worker's clock starts later,
   * so capturedAt is only comparable with the worker's performance.now() after shifting by the
   * difference of the two origins.
   */
  readonly timeOrigin: number;
  /** Flip left-right before the model: camera frames for a model trained on mirrored views. */
  readonly mirrored: boolean;
}

/**
 * Run the model on the newest full clip in the ring buffer with this budget. The worker answers
 * with exactly one `result` or `error` (or `busy` when a run is already in flight — never queued).
 */
export interface RunRequest {
  readonly type: 'run';
  readonly requestId: number;
  /** Per-expert token counts per time step, smallest expert first, summing to tokens.per_step. */
  readonly counts: readonly number[];
  /** e_c this budget came from (reporting only; `counts` is what runs). */
  readonly ec: number;
  /**
   * Compare mode: also run this model (the running MoNE model's dense baseline) on the very same
   * input tensor, right after the active model, and answer with both in one `result`. Loaded on
   * first use into the cache of loaded models (no second session for it, ever); a model that reads
   * another input (frames, size, normalisation) or other labels is refused in `result.baseline`.
   */
  readonly baseline?: { readonly metadataUrl: string };
}

/** Run the current clip at several budgets ("Explore budgets"); one `sweepResult` at the end. */
export interface SweepRequest {
  readonly type: 'sweep';
  readonly requestId: number;
  readonly budgets: readonly { readonly ec: number; readonly counts: readonly number[] }[];
  /** Runs per budget; the median latency is reported. */
  readonly repeats: number;
}

export interface ResetClipRequest {
  readonly type: 'resetClip';
}

export interface ClearCacheRequest {
  readonly type: 'clearCache';
}

export interface StatsRequest {
  readonly type: 'stats';
}

/**
 * Stop and let go: an init in progress stops at its next step, a run in flight finishes, the
 * session is released; answered with `disposed`, after which the client ends the worker.
 */
export interface DisposeRequest {
  readonly type: 'dispose';
}

export type ToWorker =
  | InitRequest
  | UseModelRequest
  | FrameMessage
  | RunRequest
  | SweepRequest
  | ResetClipRequest
  | ClearCacheRequest
  | StatsRequest
  | DisposeRequest;

// ---------------------------------------------------------------------------------------------
// worker → UI
// ---------------------------------------------------------------------------------------------
export interface LoadProgress {
  readonly type: 'loadProgress';
  /** 'baseline': the compare baseline is downloading; the running model keeps running. */
  readonly purpose?: 'baseline';
  readonly file: string;
  readonly loadedBytes: number;
  /** From Content-Length or metadata.model_bytes. */
  readonly totalBytes: number;
  readonly fromCache: boolean;
}

export interface BackendChosen {
  readonly type: 'backend';
  readonly backend: Backend;
  /** Human sentence: why this backend (e.g. "WebGPU adapter is a software fallback (swiftshader)"). */
  readonly reason: string;
  readonly adapter: AdapterInfo | null;
  readonly threads: number;
  readonly crossOriginIsolated: boolean;
}

export interface WarmupProgress {
  readonly type: 'warmup';
  /** As in LoadProgress: the compare baseline's warm-up. */
  readonly purpose?: 'baseline';
  readonly done: number;
  readonly total: number;
}

export interface Ready {
  readonly type: 'ready';
  /** The metadataUrl of the init or useModel request this answers. */
  readonly metadataUrl: string;
  /** True when the model's session already existed (a model used before): nothing was loaded. */
  readonly cached: boolean;
  /** The model's metadata, validated: the page's only copy (it never fetches the metadata). */
  readonly metadata: ModelMetadata;
  readonly backend: Backend;
  /** The weights the model's session runs (model_file or a weight_files entry), and why. */
  readonly weights: RunningWeights;
  readonly warmupMs: number;
  /** ms from `init` received to ready. */
  readonly initMs: number;
}

export interface RunTimings {
  /** Bitmaps → normalised clip tensor. */
  readonly preprocessMs: number;
  /** session.run only. */
  readonly runMs: number;
  /** Outputs → probabilities, expert grids. */
  readonly decodeMs: number;
  /** capturedAt of the newest frame in the clip → result posted (worker clock aligned by performance.timeOrigin). */
  readonly endToEndMs: number;
}

export interface RunResult {
  readonly type: 'result';
  readonly requestId: number;
  readonly ec: number;
  readonly counts: readonly number[];
  /**
   * Raw model logits, in metadata.labels order (what golden tests compare). Always sent by the
   * worker; optional only so UI fixtures written before it was added still type-check.
   */
  readonly logits?: readonly number[];
  /** Softmax over logits, in metadata.labels order (not smoothed: smoothing is UI state). */
  readonly probs: readonly number[];
  /** expert index per token, [time_steps * per_step], row-major per step. */
  readonly expertIndex: Int32Array;
  /** router probabilities, [time_steps * per_step * E]. */
  readonly routerProbs: Float32Array;
  /** Per-expert token counts actually observed in expertIndex, per time step [T'][E]. */
  readonly observedCounts: readonly (readonly number[])[];
  readonly gmacs: number;
  readonly timings: RunTimings;
  /** Media time of the newest frame in the clip. */
  readonly clipTime: number;
  /** Compare mode: the baseline's run on the same clip, or why it did not run. */
  readonly baseline?: BaselineOutcome;
}

/** The dense baseline on the clip a compared `result` ran (RunRequest.baseline). */
export type BaselineOutcome =
  | {
      readonly ok: true;
      /** The baseline's metadata name. */
      readonly model: string;
      /** Softmax over its logits, in the same label order as the running model's (checked). */
      readonly probs: readonly number[];
      readonly gmacs: number;
      /** session.run only, right after the running model's run on the same input tensor. */
      readonly runMs: number;
    }
  | {
      readonly ok: false;
      /** The metadataUrl asked for. */
      readonly metadataUrl: string;
      /** A sentence for the page: what is wrong with the baseline. */
      readonly message: string;
    };

export interface Busy {
  readonly type: 'busy';
  readonly requestId: number;
}

export interface SweepPoint {
  readonly ec: number;
  readonly counts: readonly number[];
  readonly gmacs: number;
  readonly medianRunMs: number;
  readonly probs: readonly number[];
}

export interface SweepResult {
  readonly type: 'sweepResult';
  readonly requestId: number;
  readonly points: readonly SweepPoint[];
}

export interface EngineStats {
  readonly type: 'stats';
  readonly sessionsCreated: number;
  /** Sessions created per model (metadata name): 1 each unless a model was released and reloaded. */
  readonly sessionsByModel: Readonly<Record<string, number>>;
  /** Models whose session is loaded now, least recently used first (MAX_LOADED_MODELS at most). */
  readonly loadedModels: readonly string[];
  /** Model fetches that went to the network (a Cache Storage hit does not count). */
  readonly modelDownloads: number;
  /** session.run calls for run/sweep requests (warm-up runs excluded). */
  readonly runs: number;
  readonly framesReceived: number;
  /** Frames that never reached the model: overwritten unread, cleared, unreadable or early. */
  readonly framesDropped: number;
  /** performance.memory is not in workers; WASM heap bytes when known (wasm backend). */
  readonly wasmMemoryBytes: number | null;
}

export type ErrorCode =
  | 'model-missing'
  | 'model-stalled'
  | 'model-corrupt'
  | 'model-mismatch'
  /** A model from the user's disk was not opened (the message names the file and the field). */
  | 'own-model'
  /** A weight_files entry (int8) could not be used; model_file runs instead (not fatal). */
  | 'weights-fallback'
  | 'backend-unavailable'
  | 'webgpu-lost'
  | 'invalid-budget'
  | 'not-ready'
  | 'no-clip'
  | 'run-failed'
  | 'cache'
  /** Multi-threaded WASM failed or timed out building the first session: retry on one thread. */
  | 'threads-unavailable'
  | 'internal';

export interface EngineError {
  readonly type: 'error';
  readonly code: ErrorCode;
  /** A sentence for the page, not a stack trace. */
  readonly message: string;
  /** Set when the error answers a run/sweep request. */
  readonly requestId?: number;
  /** True when the worker can no longer run (the client restarts it). */
  readonly fatal: boolean;
}

export interface CacheCleared {
  readonly type: 'cacheCleared';
  readonly removed: number;
}

/** Sessions a worker created: in all, and per model (metadata name). */
export type SessionCounts = Pick<EngineStats, 'sessionsCreated' | 'sessionsByModel'>;

/** The answer to `dispose`: the sessions are released; the worker's own counters, final. */
export interface Disposed extends SessionCounts {
  readonly type: 'disposed';
}

export type FromWorker =
  | LoadProgress
  | BackendChosen
  | WarmupProgress
  | Ready
  | RunResult
  | Busy
  | SweepResult
  | EngineStats
  | EngineError
  | CacheCleared
  | Disposed;
