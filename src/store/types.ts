/**
 * The app store's shape: one zustand store built from small slices (engine, budget, results,
 * source, heatmap, errors). Actions are named after what happened (`clipScored`,
 * `budgetChanged`), not after the field they set. Only plain data lives here: the worker client,
 * the MediaStream and the <video> element belong to src/app/controller.ts.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { ModelMetadata } from '../model/metadata';
import type { ModelsIndex } from '../model/modelsIndex';
import type { OwnModelEntry } from '../model/ownModel';
import type { RunningWeights, WeightsPreference } from '../model/weights';
import type {
  AdapterInfo,
  Backend,
  BackendChosen,
  BackendPreference,
  Disposed,
  EngineError,
  EngineStats,
  LoadProgress,
  SessionCounts,
  Ready,
  RunResult,
  SweepPoint,
  SweepResult,
  WarmupProgress,
} from '../workers/protocol';
import type { AutoBudgetState } from './autoBudget';
import type { OfflineSlice } from './offlineTypes';

// ---------------------------------------------------------------------------------------------
// engine: idle → loading(progress) → warming → ready; error / restarting from any of them;
// released (the user freed the sessions and the worker) until the next play, classify or Resume
// ---------------------------------------------------------------------------------------------
export type EnginePhase =
  'idle' | 'loading' | 'warming' | 'ready' | 'error' | 'restarting' | 'released';

export interface BackendInfo {
  readonly backend: Backend;
  readonly reason: string;
  readonly adapter: AdapterInfo | null;
  readonly threads: number;
  readonly crossOriginIsolated: boolean;
}

export interface EngineState {
  readonly phase: EnginePhase;
  readonly preference: BackendPreference;
  readonly backend: BackendInfo | null;
  readonly load: Omit<LoadProgress, 'type'> | null;
  readonly warmup: { readonly done: number; readonly total: number } | null;
  readonly metadata: ModelMetadata | null;
  /** 'fp32' forces model_file; 'auto' runs the weights the metadata lists for the backend. */
  readonly weightsPreference: WeightsPreference;
  /** The weights the running model's session runs, and why (from `ready`); null before. */
  readonly weights: RunningWeights | null;
  readonly initMs: number | null;
  readonly warmupMs: number | null;
  readonly stats: Omit<EngineStats, 'type'> | null;
  /** Why the worker was last restarted (e.g. WebGPU lost), shown in the runtime panel. */
  readonly restartReason: string | null;
  /** Files removed by the last "clear cache", null before any. */
  readonly cacheRemoved: number | null;
  /** Why WASM runs on one thread after multi-threaded WASM could not start; null if it did. */
  readonly threadsFallback: string | null;
  /** Sessions of this page's earlier engines (switched away from or restarted), per model too. */
  readonly earlierSessions: SessionCounts;
}

export interface EngineSlice {
  readonly engine: EngineState;
  initRequested: (preference: BackendPreference) => void;
  /** The runtime panel or the link chose which weights run (the next engine loads them). */
  weightsPreferenceChosen: (preference: WeightsPreference) => void;
  backendChosen: (ev: BackendChosen) => void;
  loadProgressed: (ev: LoadProgress) => void;
  warmupProgressed: (ev: WarmupProgress) => void;
  engineReady: (ev: Ready) => void;
  statsReceived: (ev: EngineStats) => void;
  engineFailed: (ev: EngineError) => void;
  engineRestarted: (reason: string, backend: Backend) => void;
  /** An engine let go of its session before the next one started. */
  engineDisposed: (ev: Disposed) => void;
  cacheCleared: (removed: number) => void;
  /** Release pressed: sessions and worker freed; the next play, classify or Resume loads again. */
  engineReleased: () => void;
  /** Multi-threaded WASM could not start; a fresh worker runs on one thread. */
  threadsFellBack: (reason: string) => void;
}

// ---------------------------------------------------------------------------------------------
// models: the zoo (public/models/index.json) and which model runs, and why
// ---------------------------------------------------------------------------------------------
export interface ModelChoice {
  /** An id of the index, or an own model's (src/model/ownModel.ts: `own:<sha256s>`). */
  readonly id: string;
  /** 'default': the index's default for the backend (see choiceReason); 'link'; 'user'. */
  readonly by: 'default' | 'link' | 'user';
}

export interface ModelsState {
  /** Null until the index has loaded. */
  readonly index: ModelsIndex | null;
  /** The model the engine loads or runs; null before the index is known. */
  readonly choice: ModelChoice | null;
  /** Models from the user's disk: opened on this page, or kept on this device (listed at start). */
  readonly own: readonly OwnModelEntry[];
  /** "Keep on this device" is ticked: the next model opened from disk is stored once it runs. */
  readonly keepOwn: boolean;
}

export interface ModelsSlice {
  readonly models: ModelsState;
  modelsIndexed: (index: ModelsIndex) => void;
  /** The index could not be loaded: no model can run (Retry loads it again). */
  modelsIndexFailed: (message: string) => void;
  /**
   * The picker, the link or the default rule chose a model. Another model than before clears what
   * would mislead (prediction, history, sweep, the auto budget's latency model, the heatmap step)
   * and keeps what the user made (source, budget).
   */
  modelChosen: (choice: ModelChoice) => void;
  /** The models kept on this device were listed (at start, after keeping one, after Forget). */
  keptModelsListed: (kept: readonly OwnModelEntry[]) => void;
  /** A model from disk passed every check and runs: it joins the list and becomes the choice. */
  ownModelOpened: (entry: OwnModelEntry) => void;
  /** Forget: gone from the list (and from this device). */
  ownModelForgotten: (id: string) => void;
  keepOwnToggled: (on: boolean) => void;
}

// ---------------------------------------------------------------------------------------------
// budget
// ---------------------------------------------------------------------------------------------
export interface BudgetState {
  /** Effective capacity e_c on the slider (in custom mode: the slider's last value). */
  readonly ec: number;
  /** False until the user or the link chose e_c; engineReady then uses the model's default. */
  readonly chosen: boolean;
  /**
   * How an e_c chosen before the model was known was written (`ec=1e-400` from a link), quoted
   * if it is out of range; null otherwise.
   */
  readonly chosenAs: string | null;
  /** Tokens per expert per time step that the next run uses; null until metadata is known. */
  readonly counts: readonly number[] | null;
  /** 'ec': counts follow the slider through the budget rule; 'custom': typed per expert. */
  readonly mode: 'ec' | 'custom';
  /** The advanced (per-expert counts) editor is open. */
  readonly advanced: boolean;
  readonly auto: {
    readonly enabled: boolean;
    readonly targetMs: number;
    readonly controller: AutoBudgetState;
  };
}

export interface BudgetSlice {
  readonly budget: BudgetState;
  /** Slider, preset, URL or auto controller chose a new e_c; `as`: how it was written. */
  budgetChanged: (ec: number, as?: string) => void;
  /** Advanced mode: one expert's count was typed in. */
  countsEdited: (expert: number, value: number) => void;
  advancedToggled: (on: boolean) => void;
  autoBudgetToggled: (on: boolean) => void;
  targetLatencyChanged: (ms: number) => void;
}

// ---------------------------------------------------------------------------------------------
// results
// ---------------------------------------------------------------------------------------------
export interface HistoryPoint {
  /** 1-based run number since the page opened. */
  readonly run: number;
  /** performance.now() when the result arrived. */
  readonly at: number;
  readonly runMs: number;
  readonly endToEndMs: number;
  readonly ec: number;
  readonly gmacs: number;
  /** Smoothed class probabilities after this run. */
  readonly probs: readonly number[];
}

export interface SweepState {
  readonly status: 'idle' | 'running' | 'done' | 'failed';
  readonly requestId: number | null;
  readonly points: readonly SweepPoint[];
}

/** One classified clip, as the downloads give it (src/store/exports.ts). */
export interface ClipLogEntry {
  /** 1-based number of the clip in this session (the runtime panel's "Clips classified"). */
  readonly clip: number;
  /** Wall-clock time the result arrived, ms since the epoch. */
  readonly time: number;
  /** Model id (the metadata's name). */
  readonly model: string;
  readonly backend: Backend | null;
  readonly ec: number;
  /** Tokens per expert per time step the run used, smallest expert first. */
  readonly tokens: readonly number[];
  readonly gmacs: number;
  /** session.run only. */
  readonly modelMs: number;
  /** Newest frame captured → result posted. */
  readonly endToEndMs: number;
  /** The clip's own (unsmoothed) top classes, most likely first. */
  readonly top: readonly { readonly label: string; readonly prob: number }[];
  /** Compare mode: the dense baseline's run on the same clip. */
  readonly baseline?: {
    readonly model: string;
    readonly top1: string;
    readonly prob: number;
    readonly gmacs: number;
    readonly modelMs: number;
    /** Same top-1 as this clip's. */
    readonly agrees: boolean;
  };
}

export interface ClipLog {
  readonly entries: readonly ClipLogEntry[];
  /** Entries dropped from the front to keep CLIP_LOG_LIMIT. */
  readonly dropped: number;
}

export interface ResultsState {
  readonly latest: RunResult | null;
  /** Class probabilities averaged over the last few clips (TemporalSmoother). */
  readonly smoothed: readonly number[] | null;
  readonly history: readonly HistoryPoint[];
  readonly runs: number;
  readonly sweep: SweepState;
  /** Every classified clip of the session (the last CLIP_LOG_LIMIT); kept across models. */
  readonly log: ClipLog;
}

export interface ResultsSlice {
  readonly results: ResultsState;
  /** `now`: performance.now(); `wallTime`: Date.now() (the clip log's time), defaulting to it. */
  clipScored: (result: RunResult, now: number, wallTime?: number) => void;
  /** The source changed: its clips say nothing about the next one. */
  resultsCleared: () => void;
  /** "Explore budgets" pressed (requestId null) or the sweep sent to the worker. */
  sweepRequested: (requestId: number | null) => void;
  sweepFinished: (ev: SweepResult) => void;
  sweepFailed: () => void;
}

// ---------------------------------------------------------------------------------------------
// source
// ---------------------------------------------------------------------------------------------
export interface SampleInfo {
  readonly file: string;
  readonly label: string;
}

export interface CameraInfo {
  readonly deviceId: string;
  readonly label: string;
  /** Front ('user') or rear ('environment') when the device says so; null when unknown. */
  readonly facing: CameraFacing | null;
}

export type CameraFacing = 'user' | 'environment';

export type SourceKind = 'none' | 'sample' | 'camera' | 'file';

export interface SourceState {
  readonly kind: SourceKind;
  /** 'starting' until the <video> has a frame, then 'playing'. */
  readonly status: 'idle' | 'starting' | 'playing' | 'failed';
  readonly samples: readonly SampleInfo[];
  /** File name of the chosen (or last chosen) sample. */
  readonly sample: string | null;
  readonly cameras: readonly CameraInfo[];
  readonly cameraId: string | null;
  readonly fileName: string | null;
  /** Mirror the camera preview (what the model gets is the model's camera_mirrored). */
  readonly mirrored: boolean;
  /** Intrinsic size of the playing video (for the crop overlay). */
  readonly videoSize: { readonly width: number; readonly height: number } | null;
  /** The tab is hidden: no runs, the camera released, playback paused until it is visible. */
  readonly hidden: boolean;
}

export interface SourceSlice {
  readonly source: SourceState;
  samplesLoaded: (samples: readonly SampleInfo[]) => void;
  sampleChosen: (file: string) => void;
  cameraRequested: (deviceId: string | null) => void;
  /** The camera list (readable once permission exists) and the device actually opened. */
  camerasListed: (cameras: readonly CameraInfo[], activeId: string | null) => void;
  cameraStopped: () => void;
  fileChosen: (name: string) => void;
  sourcePlaying: (width: number, height: number) => void;
  sourceFailed: (message: string) => void;
  mirrorToggled: (on: boolean) => void;
  /** document.visibilityState changed. */
  pageVisibilityChanged: (hidden: boolean) => void;
}

// ---------------------------------------------------------------------------------------------
// heatmap view
// ---------------------------------------------------------------------------------------------
export interface HeatmapState {
  readonly visible: boolean;
  readonly opacity: number;
  /** 'latest' = last time step of the clip, else a 0-based time step. */
  readonly step: 'latest' | number;
}

export interface HeatmapSlice {
  readonly heatmap: HeatmapState;
  heatmapToggled: (visible: boolean) => void;
  heatmapOpacityChanged: (opacity: number) => void;
  heatmapStepChosen: (step: 'latest' | number) => void;
}

// ---------------------------------------------------------------------------------------------
// compare mode: the chosen MoNE model and its dense baseline on the same clips
// ---------------------------------------------------------------------------------------------
export interface ModelRunSummary {
  /** session.run only. */
  readonly ms: number;
  readonly gmacs: number;
  /** Index of the top-1 class in the (shared) labels. */
  readonly top: number;
}

/** One clip both models ran (src/store/compare.ts). */
export interface ComparedClip {
  /** The results' run number ("Clips classified"). */
  readonly run: number;
  /** The MoNE model (metadata name) and its baseline. */
  readonly model: string;
  readonly baseline: string;
  readonly ec: number;
  readonly mone: ModelRunSummary;
  readonly dense: ModelRunSummary;
  /** Same top-1 class. */
  readonly agree: boolean;
  /** p_MoNE(c) − p_dense(c), c = MoNE's top-1 class. */
  readonly gap: number;
}

export interface CompareState {
  /** The user's toggle; runs name the baseline only while the chosen model has one. */
  readonly enabled: boolean;
  /** The last COMPARE_WINDOW compared clips, of every model compared this session. */
  readonly clips: readonly ComparedClip[];
  /** The baseline's download / warm-up while it loads (first compared run), else null. */
  readonly loading: string | null;
  /**
   * The baseline file being read while it loads (its last progress event), else null: the
   * storage watch checks a download of it against the quota, as it does the running model's.
   */
  readonly download: Omit<LoadProgress, 'type' | 'purpose'> | null;
  /** Why compare stopped (the baseline could not load, run or be compared); null when fine. */
  readonly error: string | null;
}

export interface CompareSlice {
  readonly compare: CompareState;
  compareToggled: (on: boolean) => void;
  /** A result came back; with the baseline's run it joins the window, a failure stops compare. */
  clipCompared: (result: RunResult) => void;
  baselineLoadProgressed: (ev: LoadProgress | WarmupProgress) => void;
}

// ---------------------------------------------------------------------------------------------
// errors
// ---------------------------------------------------------------------------------------------
export type ErrorScope = 'source' | 'model' | 'engine' | 'budget' | 'app';

export interface AppError {
  readonly id: number;
  readonly scope: ErrorScope;
  readonly title: string;
  readonly message: string;
  /** 'warning': the app recovered on its own (e.g. switched to WASM). */
  readonly severity: 'error' | 'warning';
}

export interface ErrorsSlice {
  readonly errors: readonly AppError[];
  errorRaised: (error: Omit<AppError, 'id'>) => void;
  errorDismissed: (id: number) => void;
}

export type AppState = EngineSlice &
  ModelsSlice &
  CompareSlice &
  BudgetSlice &
  ResultsSlice &
  SourceSlice &
  HeatmapSlice &
  ErrorsSlice &
  OfflineSlice;

export type SliceCreator<T> = StateCreator<AppState, [], [], T>;
