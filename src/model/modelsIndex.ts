/**
 * The model zoo: public/models/index.json lists the models the app offers (each one
 * `<id>.onnx` + `<id>.json` metadata next to the index): its types, the rules across entries that
 * the schema cannot express, and the default-model rule. Parsing with the shared schema is in
 * modelsIndexParse.ts (ajv), so that Node code without a bundler (e2e specs) can use this file.
 *
 * The default model: the MoNE model whose `default_for` names the backend the engine runs on.
 * Exactly one MoNE model carries each backend, so "the larger model on a hardware WebGPU adapter,
 * the small one on WASM" is two entries with one key each.
 */
import type { Backend } from './backendChoice';

export const BACKENDS: readonly Backend[] = ['webgpu', 'wasm'];

/**
 * Models one worker keeps loaded: the one running and the one before it, so A → B → A creates no
 * second session; a third releases the least recently used (src/inference/sessionCache.ts).
 */
export const MAX_LOADED_MODELS = 2;

export interface ModelEntry {
  /** File stem: `<id>.onnx`, `<id>.json`; equals the metadata's name. */
  readonly id: string;
  readonly name: string;
  readonly task: string;
  readonly kind: 'mone' | 'dense';
  /** MoNE models: the id of their dense baseline. */
  readonly baseline?: string;
  readonly model_bytes: number;
  readonly dense_gmacs: number;
  readonly parameters: number;
  readonly classes: number;
  readonly backends: readonly Backend[];
  /** Backend → why this MoNE model is the default there. */
  readonly default_for?: Readonly<Partial<Record<Backend, string>>>;
  /** Samples index, relative to the model index. */
  readonly samples: string;
  /** Camera frames are mirrored before this model (files never are). */
  readonly camera_mirrored: boolean;
}

export interface ModelsIndex {
  readonly schema_version: 1;
  readonly models: readonly ModelEntry[];
}

/** An unusable index; `field` is the dotted path of the first offending field. */
export class ModelsIndexError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`model index: ${field ? `${field}: ` : ''}${message}`);
    this.name = 'ModelsIndexError';
    this.field = field;
  }
}

export const backendName = (backend: Backend) => (backend === 'webgpu' ? 'WebGPU' : 'WASM');

/** Rules across entries; throws ModelsIndexError. Assumes the schema already passed. */
export function checkModelsIndex(index: ModelsIndex): void {
  const byId = new Map<string, ModelEntry>();
  index.models.forEach((m, i) => {
    if (byId.has(m.id)) throw new ModelsIndexError(`models[${i}].id`, `"${m.id}" is listed twice`);
    byId.set(m.id, m);
  });
  index.models.forEach((m, i) => {
    const at = `models[${i}]`;
    if (m.kind === 'dense') {
      if (m.baseline !== undefined || m.default_for !== undefined) {
        throw new ModelsIndexError(at, `"${m.id}" is dense: it has no baseline and is no default`);
      }
      return;
    }
    if (m.baseline !== undefined) {
      const baseline = byId.get(m.baseline);
      if (baseline?.kind !== 'dense') {
        throw new ModelsIndexError(
          `${at}.baseline`,
          `"${m.baseline}" is not a dense model of this index`,
        );
      }
      if (baseline.classes !== m.classes) {
        throw new ModelsIndexError(
          `${at}.baseline`,
          `"${m.baseline}" has ${baseline.classes} classes but "${m.id}" has ${m.classes}`,
        );
      }
    }
    for (const backend of Object.keys(m.default_for ?? {}) as Backend[]) {
      if (!m.backends.includes(backend)) {
        throw new ModelsIndexError(
          `${at}.default_for.${backend}`,
          `"${m.id}" is the default on ${backendName(backend)} but does not list it in backends`,
        );
      }
    }
  });
  for (const backend of BACKENDS) {
    const defaults = index.models.filter((m) => m.default_for?.[backend] !== undefined);
    if (defaults.length !== 1) {
      throw new ModelsIndexError(
        'models',
        `exactly one MoNE model must be the default on ${backendName(backend)}, found ${defaults.length}${defaults.length > 0 ? ` (${defaults.map((m) => m.id).join(', ')})` : ''}`,
      );
    }
  }
}

export function modelById(index: ModelsIndex, id: string): ModelEntry | undefined {
  return index.models.find((m) => m.id === id);
}

export interface DefaultModel {
  readonly model: ModelEntry;
  /** A sentence for the page: which backend, and the index's reason. */
  readonly reason: string;
}

/** The MoNE model the index marks as the default on `backend` (parseModelsIndex ensures one). */
export function defaultModel(index: ModelsIndex, backend: Backend): DefaultModel {
  const model = index.models.find((m) => m.default_for?.[backend] !== undefined);
  if (model === undefined) {
    throw new ModelsIndexError('models', `no default model on ${backendName(backend)}`);
  }
  return {
    model,
    reason: `Default on ${backendName(backend)}: ${model.default_for?.[backend] ?? ''}.`,
  };
}

/** A measured latency of a model on this device, after its warm-up. */
export interface KeepUpMeasure {
  /** The model measured (an id of the index). */
  readonly model: string;
  /** Median session.run per clip after warm-up, ms. */
  readonly msPerClip: number;
  /** What keeping up means: the time between two clips at the model's frame rate, ms. */
  readonly budgetMs: number;
}

/**
 * The deliberate default: the index's default for `backend`, except that on WASM the larger
 * model (the WebGPU default, when it lists WASM among its backends and costs more GMACs) takes
 * over when it was measured to keep up after its warm-up. Without a measurement of that model
 * the index's WASM default stands; the reason says which rule chose, and what was measured.
 */
export function deliberateDefault(
  index: ModelsIndex,
  backend: Backend,
  measured?: KeepUpMeasure,
): DefaultModel {
  const chosen = defaultModel(index, backend);
  if (backend !== 'wasm') return chosen;
  const larger = defaultModel(index, 'webgpu').model;
  const candidate =
    larger.id !== chosen.model.id &&
    larger.backends.includes('wasm') &&
    larger.dense_gmacs > chosen.model.dense_gmacs;
  if (!candidate || measured?.model !== larger.id) return chosen;
  const timing = `${measured.msPerClip.toFixed(0)} ms per clip after warm-up`;
  const limit = `${measured.budgetMs.toFixed(0)} ms`;
  if (measured.msPerClip <= measured.budgetMs) {
    return {
      model: larger,
      reason: `Default on WASM: ${larger.name} keeps up here (${timing}, within ${limit}).`,
    };
  }
  return {
    model: chosen.model,
    reason: `${chosen.reason.replace(/\.$/, '')}; ${larger.name} does not keep up here (${timing}, over ${limit}).`,
  };
}

/** False when every backend has the same default (then nothing needs to know the backend first). */
export function defaultDependsOnBackend(index: ModelsIndex): boolean {
  const ids = new Set(BACKENDS.map((b) => defaultModel(index, b).model.id));
  return ids.size > 1;
}

/** The metadata file of a model, relative to the index. */
export function metadataFileOf(model: Pick<ModelEntry, 'id'>): string {
  return `${model.id}.json`;
}
