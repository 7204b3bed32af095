/**
 * Derived views of the store as plain functions of plain data (tested without React). Components
 * select the raw slice they need and derive with these inside useMemo, so a selector never hands
 * zustand a fresh array per render.
 */
import { effectiveCapacityOfCounts, validateCounts } from '../model/budget';
import { computeFraction, gmacsForCounts } from '../model/macs';
import type { Backend } from '../model/backendChoice';
import type { CurvePoint, ModelMetadata } from '../model/metadata';
import {
  backendName,
  defaultDependsOnBackend,
  defaultModel,
  modelById,
  type ModelEntry,
} from '../model/modelsIndex';
import { isOwnModelId } from '../model/ownModelId';
import { topK, type Prediction } from '../model/postprocess';
import { percentile } from '../model/latencyStats';
import { decodeRouting } from '../model/routing';
import type { EngineStats, RunResult, SessionCounts, SweepPoint } from '../workers/protocol';
import type {
  AppError,
  BudgetState,
  EngineState,
  HistoryPoint,
  ModelsState,
  SourceState,
} from './types';

// ---------------------------------------------------------------------------------------------
// status
// ---------------------------------------------------------------------------------------------
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function statusText(engine: EngineState, errors: readonly AppError[]): string {
  switch (engine.phase) {
    case 'idle':
      return 'Starting…';
    case 'loading': {
      const load = engine.load;
      if (load === null || load.totalBytes <= 0) return 'Loading model…';
      const pct = Math.min(100, Math.round((100 * load.loadedBytes) / load.totalBytes));
      const where = load.fromCache ? ' from cache' : '';
      return `Loading model${where}… ${pct}% (${formatBytes(load.loadedBytes)} of ${formatBytes(load.totalBytes)})`;
    }
    case 'warming': {
      const w = engine.warmup;
      return w === null ? 'Warming up…' : `Warming up… ${w.done}/${w.total}`;
    }
    case 'ready':
      return 'Ready';
    case 'restarting':
      return 'Restarting the engine…';
    case 'released':
      return 'Released';
    case 'error': {
      const last = [...errors].reverse().find((e) => e.severity === 'error');
      return `Error: ${last?.title ?? 'the model could not be loaded'}`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// models
// ---------------------------------------------------------------------------------------------
/** The index entry of the chosen model; null before the index and the choice are known. */
export function chosenModel(models: ModelsState): ModelEntry | null {
  return models.choice === null ? null : findModel(models, models.choice.id);
}

/** A model of the index or one of the user's own; null when neither has `id`. */
export function findModel(models: ModelsState, id: string): ModelEntry | null {
  if (models.index === null) return null;
  return modelById(models.index, id) ?? models.own.find((m) => m.id === id) ?? null;
}

/**
 * Why the chosen model runs, for the page: the link, the user, or the index's default for the
 * backend the engine runs on (`backend`, null until the worker says).
 */
export function choiceReason(models: ModelsState, backend: Backend | null): string {
  const { index, choice } = models;
  if (index === null || choice === null) return '';
  if (isOwnModelId(choice.id)) {
    return 'Your model, from files on this device: a link cannot carry it, so the link opens the default model.';
  }
  if (choice.by === 'link') return `Chosen by the link (?model=${choice.id}).`;
  if (choice.by === 'user') return 'Chosen by you.';
  if (backend === null) {
    return defaultDependsOnBackend(index)
      ? 'Default for the backend expected here.'
      : `Default on every backend: ${defaultModel(index, 'wasm').model.name}.`;
  }
  const here = defaultModel(index, backend);
  return here.model.id === choice.id ? here.reason : 'Default for the backend expected here.';
}

/** A picker option: name and task, and a warning where it does not suit the backend. */
export function modelOptionText(model: ModelEntry, backend: Backend | null): string {
  const suits =
    backend === null || model.backends.includes(backend)
      ? ''
      : ` (not meant for ${backendName(backend)})`;
  return `${model.name} — ${model.task}${suits}`;
}

/** The picker's groups: MoNE models, then the dense baselines, each in index order; own last. */
export function modelGroups(
  models: readonly ModelEntry[],
  own: readonly ModelEntry[] = [],
): { label: string; models: ModelEntry[] }[] {
  const groups = [
    { label: 'MoNE (adjustable compute)', models: models.filter((m) => m.kind === 'mone') },
    { label: 'Dense baselines', models: models.filter((m) => m.kind === 'dense') },
    { label: 'Your models', models: [...own] },
  ];
  return groups.filter((g) => g.models.length > 0);
}

/** Where the source is chosen: what the model gets from the camera, and what labels mean. */
export function cameraNote(model: Pick<ModelEntry, 'camera_mirrored'>): string {
  return model.camera_mirrored
    ? 'Camera frames are mirrored before the model (files never are), so direction labels name what you see on screen.'
    : 'Camera frames reach this model unmirrored, like files (it was trained that way), so direction labels name the camera’s view: with the preview mirrored, left and right are swapped on screen.';
}

/** The runtime panel's line on camera frames. */
export function cameraFramesText(model: Pick<ModelEntry, 'id' | 'camera_mirrored'>): string {
  const who = isOwnModelId(model.id) ? 'your model' : model.id; // an own id is a pair of hashes
  return model.camera_mirrored
    ? `mirrored before the model (${who} was trained on mirrored selfie views)`
    : `unmirrored (${who} was trained on unmirrored frames)`;
}

export const NO_SESSIONS: SessionCounts = { sessionsCreated: 0, sessionsByModel: {} };

/** Two engines' session counts together (in all and per model). */
export function addSessions(a: SessionCounts, b: SessionCounts): SessionCounts {
  const byModel: Record<string, number> = { ...a.sessionsByModel };
  for (const [model, n] of Object.entries(b.sessionsByModel))
    byModel[model] = (byModel[model] ?? 0) + n;
  return { sessionsCreated: a.sessionsCreated + b.sessionsCreated, sessionsByModel: byModel };
}

/** Sessions created by every engine this page started: the earlier ones and the current one. */
export function pageSessions(
  engine: Pick<EngineState, 'earlierSessions' | 'stats'>,
): SessionCounts {
  return addSessions(engine.earlierSessions, engine.stats ?? NO_SESSIONS);
}

/** "mone-vivit-s 1 · vivit-dense-s 1": sessions created per model. */
export function sessionsText(stats: Pick<EngineStats, 'sessionsByModel'> | null): string {
  const entries = Object.entries(stats?.sessionsByModel ?? {});
  return entries.length === 0 ? '–' : entries.map(([id, n]) => `${id} ${n}`).join(' · ');
}

// ---------------------------------------------------------------------------------------------
// budget
// ---------------------------------------------------------------------------------------------
export type MetaForBudget = Pick<ModelMetadata, 'macs' | 'tokens' | 'experts' | 'budget'>;

export interface BudgetView {
  /** Slider value. */
  readonly ec: number;
  /** e_c the counts realise (differs from the slider in advanced mode and by flooring). */
  readonly effectiveEc: number;
  readonly counts: readonly number[];
  readonly gmacs: number;
  /** Share of the all-full-expert cost, 0..1. */
  readonly fractionOfDense: number;
  /** What the slider announces. */
  readonly valueText: string;
}

/** What tokens per expert cost: GMACs, and the e_c they realise. */
export function budgetCost(
  meta: MetaForBudget,
  counts: readonly number[],
): { gmacs: number; effectiveEc: number } {
  return { gmacs: gmacsForCounts(meta, counts), effectiveEc: effectiveCapacityOfCounts(counts) };
}

/**
 * budgetCost, or null when `counts` are not this model's (another token count or expert count).
 * A chart that follows the budget at low priority (useDeferredValue) sees the new model's
 * metadata one render before the counts re-derived for it: that pair is skipped, not thrown on.
 */
export function budgetCostIfTheirs(
  meta: MetaForBudget,
  counts: readonly number[],
): { gmacs: number; effectiveEc: number } | null {
  if (validateCounts(counts, meta.tokens.per_step, meta.experts.count) !== null) return null;
  return budgetCost(meta, counts);
}

export function budgetView(meta: MetaForBudget, budget: BudgetState): BudgetView | null {
  if (budget.counts === null) return null;
  const counts = budget.counts;
  const { gmacs, effectiveEc } = budgetCost(meta, counts);
  const fractionOfDense = computeFraction(meta, counts);
  const pct = Math.round(fractionOfDense * 100);
  return {
    ec: budget.ec,
    effectiveEc,
    counts,
    gmacs,
    fractionOfDense,
    valueText: `${pct}% compute, ${formatGmacs(gmacs)} GMACs`,
  };
}

/** GMACs with three significant decimals (this model is 0.06–0.23 GMACs per clip). */
export function formatGmacs(gmacs: number): string {
  return gmacs.toFixed(3);
}

// ---------------------------------------------------------------------------------------------
// heatmap
// ---------------------------------------------------------------------------------------------
export interface HeatmapCell {
  readonly expert: number;
  /** Router probability of the expert that took the token. */
  readonly prob: number;
}

export interface HeatmapView {
  /** 0-based time step shown. */
  readonly t: number;
  readonly rows: number;
  readonly cols: number;
  /** Row-major cells. */
  readonly cells: readonly HeatmapCell[];
  /** Tokens per expert in this step, smallest expert first. */
  readonly counts: readonly number[];
  readonly ec: number;
}

export function heatmapView(
  meta: Pick<ModelMetadata, 'tokens' | 'experts'>,
  result: RunResult | null,
  step: 'latest' | number,
): HeatmapView | null {
  if (result === null) return null;
  let routing;
  try {
    routing = decodeRouting(result.expertIndex, meta);
  } catch {
    return null; // a malformed result is reported by the worker; draw nothing rather than junk
  }
  const T = routing.steps.length;
  const t = step === 'latest' ? T - 1 : Math.min(T - 1, Math.max(0, step));
  const s = routing.steps[t];
  if (s === undefined) return null;
  const E = routing.numExperts;
  const N = meta.tokens.per_step;
  const cells = Array.from(s.experts, (expert, i) => ({
    expert,
    prob: result.routerProbs[(t * N + i) * E + expert] ?? Number.NaN,
  }));
  return { t, rows: routing.rows, cols: routing.cols, cells, counts: s.counts, ec: result.ec };
}

/** The per-cell tooltip: which expert took the patch, and the router's probability for it. */
export function cellTooltip(
  row: number,
  col: number,
  expert: number,
  widths: readonly number[],
  prob: number,
): string {
  const width = widths[expert];
  const p = Number.isFinite(prob) ? prob.toFixed(2) : 'n/a';
  return `Patch row ${row + 1}, column ${col + 1}: expert ${expert + 1} (${width ?? '?'}-d), router p = ${p}`;
}

/** Viridis at 4 steps (sequential, colour-blind safe): smallest expert dark → full expert bright. */
const VIRIDIS_4 = ['#440154', '#31688e', '#35b779', '#fde725'];
const VIRIDIS_ANCHORS = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];

export function expertColour(expert: number, numExperts: number): string {
  if (numExperts === 4) return VIRIDIS_4[expert] ?? '#888';
  const x = numExperts <= 1 ? 1 : expert / (numExperts - 1);
  return VIRIDIS_ANCHORS[Math.round(x * (VIRIDIS_ANCHORS.length - 1))] ?? '#888';
}

// ---------------------------------------------------------------------------------------------
// predictions and time series
// ---------------------------------------------------------------------------------------------
export function topPredictions(
  smoothed: readonly number[] | null,
  labels: readonly string[],
  k = 5,
): Prediction[] {
  if (smoothed === null || smoothed.length !== labels.length) return [];
  return topK(smoothed, labels, k);
}

/** Tableau 10: distinct, reasonably colour-blind-friendly categorical colours. */
const TABLEAU_10 = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/**
 * A colour per class, fixed by its index: Tableau 10 up to 10 classes; beyond, hues spread evenly
 * round the wheel with neighbours at three lightness levels, so 27 gestures stay 27 colours.
 */
export function classColour(index: number, classes: number): string {
  if (classes <= TABLEAU_10.length) return TABLEAU_10[index] ?? '#888';
  const hue = Math.round((360 * index) / classes);
  const lightness = [38, 52, 66][index % 3]!;
  return `hsl(${hue} 70% ${lightness}%)`;
}

/** Lines the probability chart draws at most; more classes show only the most likely ones. */
export const MAX_CHART_CLASSES = 10;

/**
 * The classes the probability chart draws, in label order: all of them up to `max`, else the
 * `max` with the highest smoothed probability anywhere in the history.
 */
export function chartClasses(
  history: readonly HistoryPoint[],
  labels: readonly string[],
  max = MAX_CHART_CLASSES,
): number[] {
  const all = labels.map((_, i) => i);
  if (labels.length <= max) return all;
  const peak = all.map((i) => history.reduce((m, p) => Math.max(m, p.probs[i] ?? 0), 0));
  return all
    .sort((a, b) => peak[b]! - peak[a]! || a - b)
    .slice(0, max)
    .sort((a, b) => a - b);
}

/** 'moving_left' → 'moving left'. */
export function prettyLabel(label: string): string {
  return label.replace(/_/g, ' ');
}

/** "sample “moving left”", "camera (starting…)", … */
export function sourceDescription(source: SourceState): string {
  const state =
    source.status === 'starting' ? ' (starting…)' : source.status === 'failed' ? ' (failed)' : '';
  switch (source.kind) {
    case 'none':
      return 'nothing playing';
    case 'sample': {
      const s = source.samples.find((x) => x.file === source.sample);
      return `sample “${prettyLabel(s?.label ?? source.sample ?? '')}”${state}`;
    }
    case 'camera':
      return `camera${state}`;
    case 'file':
      return `file “${source.fileName ?? ''}”${state}`;
  }
}

export function latencySeries(history: readonly HistoryPoint[]) {
  return history.map((p) => ({
    run: p.run,
    runMs: round2(p.runMs),
    endToEndMs: round2(p.endToEndMs),
  }));
}

/** One row per run with a key per class (the smoothed probability). */
export function probabilitySeries(history: readonly HistoryPoint[], labels: readonly string[]) {
  return history.map((p) => {
    const row: Record<string, number> = { run: p.run };
    labels.forEach((label, i) => (row[label] = round2(p.probs[i] ?? 0)));
    return row;
  });
}

export interface LatencyStats {
  readonly lastRunMs: number | null;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p50EndToEnd: number | null;
  readonly clipsPerSecond: number | null;
}

/** Over the last `window` runs of the history. */
export function latencyStats(history: readonly HistoryPoint[], window = 60): LatencyStats {
  const recent = history.slice(-window);
  if (recent.length === 0) {
    return { lastRunMs: null, p50: null, p95: null, p50EndToEnd: null, clipsPerSecond: null };
  }
  const runMs = recent.map((p) => p.runMs);
  const first = recent[0]!;
  const last = recent[recent.length - 1]!;
  const span = (last.at - first.at) / 1000;
  return {
    lastRunMs: last.runMs,
    p50: percentile(runMs, 50),
    p95: percentile(runMs, 95),
    p50EndToEnd: percentile(
      recent.map((p) => p.endToEndMs),
      50,
    ),
    clipsPerSecond: recent.length >= 2 && span > 0 ? (recent.length - 1) / span : null,
  };
}

// ---------------------------------------------------------------------------------------------
// compute–accuracy (Pareto) chart
// ---------------------------------------------------------------------------------------------
export const CURVES = [
  { key: 'mone', name: 'MoNE' },
  { key: 'nested_only', name: 'Nested only (no router)' },
  { key: 'random_router', name: 'Random router' },
  { key: 'dense', name: 'Dense ViViT' },
] as const;

export interface CurveSeries {
  readonly key: string;
  readonly name: string;
  readonly points: readonly CurvePoint[];
}

/** The known curves the metadata has points for, in legend order; absent ones are left out. */
export function paretoCurves(meta: Pick<ModelMetadata, 'evaluation'>): CurveSeries[] {
  return CURVES.flatMap(({ key, name }) => {
    const points = meta.evaluation.curves[key];
    if (points === undefined || points.length === 0) return [];
    return [{ key, name, points: [...points].sort((a, b) => a.gmacs - b.gmacs) }];
  });
}

/**
 * Where the current budget sits: its GMACs, and the top-1 measured (offline, by the exporter) at
 * the point with the nearest e_c of the model's own curve (MoNE; the dense curve for a dense
 * model). top1 is null when there is no such curve.
 */
export function operatingPoint(
  meta: Pick<ModelMetadata, 'evaluation'> & Partial<Pick<ModelMetadata, 'variant'>>,
  gmacs: number,
  ec: number,
): { gmacs: number; top1: number | null; nearestEc: number | null } {
  const dense = meta.variant === 'dense';
  // A dense model has one cost: its point needs no e_c.
  const distance = (p: CurvePoint) =>
    p.e_c === undefined ? (dense ? 0 : Infinity) : Math.abs(p.e_c - ec);
  let best: CurvePoint | null = null;
  for (const p of meta.evaluation.curves[dense ? 'dense' : 'mone'] ?? []) {
    if (distance(p) < (best === null ? Infinity : distance(best))) best = p;
  }
  return { gmacs, top1: best?.top1 ?? null, nearestEc: best?.e_c ?? null };
}

// ---------------------------------------------------------------------------------------------
// Explore budgets
// ---------------------------------------------------------------------------------------------
export interface SweepRow {
  readonly ec: number;
  readonly gmacs: number;
  readonly medianRunMs: number;
  readonly top1: string;
  readonly confidence: number;
  /** Same top-1 as the full budget (e_c = 1, or the largest e_c swept). */
  readonly agrees: boolean;
}

export function sweepRows(points: readonly SweepPoint[], labels: readonly string[]): SweepRow[] {
  if (points.length === 0) return [];
  const best = (probs: readonly number[]) => topK(probs, labels, 1)[0];
  const full = points.reduce((a, b) => (b.ec > a.ec ? b : a));
  const fullTop = best(full.probs)?.index;
  return [...points]
    .sort((a, b) => a.gmacs - b.gmacs)
    .map((p) => {
      const top = best(p.probs);
      return {
        ec: p.ec,
        gmacs: Math.round(p.gmacs * 1e4) / 1e4,
        medianRunMs: round2(p.medianRunMs),
        top1: top?.label ?? '',
        confidence: round2(top?.prob ?? 0),
        agrees: top !== undefined && top.index === fullTop,
      };
    });
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
