/**
 * What bench.html exposes on `window.__bench` for the Playwright side (bench/browserBench.ts).
 * Every value it returns is plain data, so page.evaluate can hand it back to Node.
 */
import type {
  BackendChosen,
  BackendPreference,
  EngineError,
  EngineStats,
  SweepResult,
} from '../../src/workers/protocol';

export interface BenchInit {
  readonly backend: BackendChosen | null;
  readonly ready: { backend: string; warmupMs: number; initMs: number } | null;
  readonly error: EngineError | null;
  /** ms from the init call to ready, on this page's clock. */
  readonly pageMs: number;
}

export interface BenchApi {
  hasAdapter(): Promise<boolean>;
  init(
    slot: string,
    metadataUrl: string,
    backend: BackendPreference,
    options: { warmupLevels: number[]; verboseLogs: boolean },
  ): Promise<BenchInit>;
  /** Sends a THWC uint8 RGB clip to the slot's worker as ImageBitmaps. */
  feed(slot: string, url: string, frames: number, height: number, width: number): Promise<void>;
  sweep(
    slot: string,
    budgets: { ec: number; counts: number[] }[],
    repeats: number,
  ): Promise<SweepResult | EngineError>;
  stats(slot: string): Promise<EngineStats>;
  dispose(slot: string): void;
}

declare global {
  interface Window {
    __bench?: BenchApi;
  }
}
