import type { ErrorCode } from '../workers/protocol';
import { countsFor, snapToGrid } from './budgetMath';
import { addSessions, NO_SESSIONS } from './selectors';
import { validateCounts } from '../model/budget';
import type { EngineSlice, EngineState, SliceCreator } from './types';

export const initialEngine: EngineState = {
  phase: 'idle',
  preference: 'auto',
  backend: null,
  load: null,
  warmup: null,
  metadata: null,
  weightsPreference: 'auto',
  weights: null,
  initMs: null,
  warmupMs: null,
  stats: null,
  restartReason: null,
  cacheRemoved: null,
  threadsFallback: null,
  earlierSessions: NO_SESSIONS,
};

/** Page heading per engine error; null for transient codes the user need not see. */
const ERROR_TITLES: Record<ErrorCode, string | null> = {
  'model-missing': 'Model not found',
  'model-stalled': 'Model download stalled',
  'model-corrupt': 'Model file is corrupt',
  'model-mismatch': 'Model does not match its metadata',
  'own-model': 'Your model was not opened',
  'weights-fallback': 'int8 weights not used',
  'backend-unavailable': 'Backend unavailable',
  'webgpu-lost': 'WebGPU device lost',
  'invalid-budget': 'Invalid budget',
  'not-ready': null,
  'no-clip': null,
  'run-failed': 'Inference failed',
  cache: 'Model cache problem',
  'threads-unavailable': 'WASM threads unavailable',
  internal: 'Engine error',
};

const MODEL_CODES: readonly ErrorCode[] = [
  'model-missing',
  'model-stalled',
  'model-corrupt',
  'model-mismatch',
  'own-model',
  'weights-fallback',
];
/** The app recovered on its own: a warning, which a later `ready` does not clear. */
const WARNING_CODES: readonly ErrorCode[] = ['webgpu-lost', 'weights-fallback'];

export const createEngineSlice: SliceCreator<EngineSlice> = (set, get) => ({
  engine: initialEngine,

  initRequested: (preference) =>
    set((s) => ({
      engine: {
        ...s.engine,
        phase: 'loading',
        preference,
        backend: null,
        load: null,
        warmup: null,
        weights: null,
        stats: null,
      },
    })),

  weightsPreferenceChosen: (weightsPreference) =>
    set((s) => ({ engine: { ...s.engine, weightsPreference } })),

  backendChosen: ({ backend, reason, adapter, threads, crossOriginIsolated }) =>
    set((s) => ({
      engine: { ...s.engine, backend: { backend, reason, adapter, threads, crossOriginIsolated } },
    })),

  loadProgressed: ({ file, loadedBytes, totalBytes, fromCache }) =>
    set((s) => ({
      engine: { ...s.engine, phase: 'loading', load: { file, loadedBytes, totalBytes, fromCache } },
    })),

  warmupProgressed: ({ done, total }) =>
    set((s) => ({ engine: { ...s.engine, phase: 'warming', warmup: { done, total } } })),

  engineReady: ({ metadata, backend, weights, warmupMs, initMs }) => {
    const s = get();
    const engine: EngineState = {
      ...s.engine,
      phase: 'ready',
      metadata,
      weights,
      warmupMs,
      initMs,
      backend: s.engine.backend ?? {
        backend,
        reason: '',
        adapter: null,
        threads: 0,
        crossOriginIsolated: globalThis.crossOriginIsolated,
      },
    };
    // Resolve the budget against this model: the default, or what the link/user chose (snapped
    // onto the slider grid; out of range → a message and the nearest end of the range).
    const { budget } = s;
    const { min_ec, max_ec, default_ec } = metadata.budget;
    let ec = budget.chosen ? budget.ec : default_ec;
    let rejected: string | null = null;
    if (!Number.isFinite(ec) || ec < min_ec - 1e-9 || ec > max_ec + 1e-9) {
      const replacement = Number.isFinite(ec) && ec > max_ec ? max_ec : min_ec;
      // Quoted as written: a link's ec=1e-400 reads as 0, but "e_c = 0" is not what it said.
      const chosen = budget.chosenAs ?? `e_c = ${String(ec)}`;
      rejected = `${chosen} is outside the range this model supports [${min_ec}, ${max_ec}]; using ${replacement}.`;
      ec = replacement;
    }
    ec = snapToGrid(metadata, ec) ?? default_ec;
    const keepCustom =
      budget.mode === 'custom' &&
      budget.counts !== null &&
      validateCounts(budget.counts, metadata.tokens.per_step, metadata.experts.count) === null;
    set({
      engine,
      budget: {
        ...budget,
        ec,
        chosenAs: null,
        counts: keepCustom ? budget.counts : countsFor(metadata, ec),
        mode: keepCustom ? 'custom' : 'ec',
      },
      // A retry that succeeded makes earlier model/engine errors stale; warnings stay, but for
      // int8 weights that failed before, once int8 weights run.
      errors: s.errors.filter(
        (e) =>
          !(e.severity === 'error' && (e.scope === 'model' || e.scope === 'engine')) &&
          !(weights.kind !== 'fp32' && e.title === ERROR_TITLES['weights-fallback']),
      ),
    });
    if (rejected !== null) {
      s.errorRaised({
        scope: 'budget',
        title: 'Invalid budget',
        message: rejected,
        severity: 'warning',
      });
    }
  },

  statsReceived: ({ type: _type, ...stats }) => set((s) => ({ engine: { ...s.engine, stats } })),

  engineFailed: ({ code, message, fatal }) => {
    const title = ERROR_TITLES[code];
    if (title !== null) {
      get().errorRaised({
        scope: MODEL_CODES.includes(code)
          ? 'model'
          : code === 'invalid-budget'
            ? 'budget'
            : 'engine',
        title,
        message,
        severity: WARNING_CODES.includes(code) ? 'warning' : 'error',
      });
    }
    if (fatal) set((s) => ({ engine: { ...s.engine, phase: 'error' } }));
  },

  engineReleased: () =>
    set((s) => ({
      // The disposed engine's sessions move to earlierSessions when its `disposed` arrives.
      engine: {
        ...s.engine,
        phase: 'released',
        load: null,
        warmup: null,
        initMs: null,
        stats: null,
      },
    })),

  threadsFellBack: (reason) =>
    set((s) => ({ engine: { ...s.engine, threadsFallback: reason, phase: 'loading' } })),

  cacheCleared: (removed) => set((s) => ({ engine: { ...s.engine, cacheRemoved: removed } })),

  engineDisposed: (ev) =>
    set((s) => ({
      engine: { ...s.engine, earlierSessions: addSessions(s.engine.earlierSessions, ev) },
    })),

  engineRestarted: (reason, backend) => {
    const previous = get().engine.backend?.backend;
    set((s) => ({
      engine: {
        ...s.engine,
        phase: 'restarting',
        restartReason: reason,
        warmup: null,
        // The lost engine cannot say goodbye: count what its last stats showed.
        earlierSessions: addSessions(s.engine.earlierSessions, s.engine.stats ?? NO_SESSIONS),
        stats: null,
      },
    }));
    get().errorRaised({
      scope: 'engine',
      title:
        previous !== undefined && previous !== backend
          ? `Switched to ${backend.toUpperCase()}`
          : 'Engine restarted',
      message: reason,
      severity: 'warning',
    });
  },
});
