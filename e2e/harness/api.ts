/**
 * What the inference harness page (inference.html) exposes on `window.__inferenceHarness` for
 * e2e/inference.spec.ts. Everything it returns is plain data (typed arrays converted), so
 * page.evaluate can hand it to the spec.
 */
import type {
  BackendChosen,
  Busy,
  CacheCleared,
  EngineError,
  EngineStats,
  LoadProgress,
  RunningWeights,
  RunTimings,
  SweepResult,
  WeightsPreference,
} from '../../src/workers/protocol';

export interface InitOutcome {
  readonly backend: BackendChosen | null;
  readonly ready: {
    backend: string;
    weights: RunningWeights;
    warmupMs: number;
    initMs: number;
  } | null;
  /** The fatal error that ended init, if any. */
  readonly error: EngineError | null;
  /** Non-fatal errors during init (e.g. the model could not be cached). */
  readonly warnings: readonly EngineError[];
  readonly progress: readonly LoadProgress[];
  readonly warmupSteps: number;
}

export interface RunOk {
  readonly type: 'result';
  readonly ec: number;
  readonly counts: readonly number[];
  readonly logits: readonly number[];
  readonly probs: readonly number[];
  readonly expertIndex: readonly number[];
  readonly observedCounts: readonly (readonly number[])[];
  readonly gmacs: number;
  readonly timings: RunTimings;
}

/** `rejected`: the client refused because a run was already in flight. */
export type RunOutcome = RunOk | EngineError | Busy | { readonly type: 'rejected' };

export interface GoldenFrames {
  readonly url: string;
  readonly frames: number;
  readonly height: number;
  readonly width: number;
  readonly fps: number;
}

export interface InferenceHarnessApi {
  /** The ?backend= the page was opened with ('auto' when absent). */
  readonly requested: string;
  /** Whether navigator.gpu.requestAdapter() gives an adapter on this page. */
  hasAdapter(): Promise<boolean>;
  init(options?: {
    warmupLevels?: number[];
    bypassCache?: boolean;
    verboseLogs?: boolean;
    /** Which weights (default 'auto': int8 on WASM where the metadata lists them). */
    weights?: WeightsPreference;
  }): Promise<InitOutcome>;
  /** Clears the worker's clip and sends a THWC uint8 RGB clip as ImageBitmaps. */
  feedGolden(clip: GoldenFrames): Promise<void>;
  run(counts: number[], ec: number): Promise<RunOutcome>;
  /** Two runs back to back: the second must be refused while the first is in flight. */
  runTwice(counts: number[], ec: number): Promise<[RunOutcome, RunOutcome]>;
  sweep(
    budgets: { ec: number; counts: number[] }[],
    repeats: number,
  ): Promise<SweepResult | EngineError>;
  stats(): Promise<EngineStats>;
  clearCache(): Promise<CacheCleared | EngineError>;
}

declare global {
  interface Window {
    __inferenceHarness?: InferenceHarnessApi;
  }
}
