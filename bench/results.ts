/**
 * The shape of bench-results/bench.json: everything one `npm run bench` measured (bench/main.ts
 * writes it, bench/report.ts reads it).
 */
import type { AppResult } from './appBench';
import type { BrowserResult } from './browserBench';
import type { machineInfo, ModelTargets, Series } from './common';
import type { CandidateResult, VariantResult } from './nodeBench';
import type { ProfileResult } from './profile';

export interface BenchResults {
  version: 1;
  updated: string;
  machine: ReturnType<typeof machineInfo>;
  models: Record<string, { path: string; source: string; sha256: string; bytes: number }>;
  /** The MoNE model measured (metadata name) and the bounds its targets use; absent in results
   * written before either existed (the motion model, 1.2× everywhere, 8 clips/s). */
  model?: string;
  targets?: ModelTargets;
  phases: Record<string, string>;
  /** 1-minute load average when each phase started and ended (the machine is shared). */
  load: Record<string, { start: number; end: number }>;
  series: Series[];
  nodeOptions: VariantResult[] | null;
  profiles: ProfileResult[] | null;
  browser: BrowserResult | null;
  app: AppResult | null;
  candidates: CandidateResult[] | null;
}
