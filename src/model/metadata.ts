/**
 * Model metadata: the JSON written by training/mone/export.py next to every <name>.onnx.
 *
 * Validated twice over: first against the shared JSON schema (contracts/model-metadata.schema.json,
 * the same file pytest checks with jsonschema), then with cross-field checks the schema cannot
 * express (shapes that must agree with each other). The worker builds tensors straight from these
 * numbers, so a mismatch caught here is far easier to read than an ORT shape error mid-inference.
 */
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import schema from '../../contracts/model-metadata.schema.json';

export type TensorDType = 'float32' | 'float16' | 'int32' | 'int64';

export interface TensorSpec {
  readonly name: string;
  readonly dtype: TensorDType;
  readonly shape: readonly number[];
}

export interface CurvePoint {
  readonly gmacs: number;
  readonly top1: number;
  readonly e_c?: number;
  readonly label?: string;
}

export interface VideoSpec {
  readonly layout: 'NTCHW';
  readonly frames: number;
  readonly fps: number;
  readonly height: number;
  readonly width: number;
  readonly channels: 3;
  readonly resize: 'center-crop-square-then-resize';
  readonly pixel_scale: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

export interface TokenSpec {
  readonly patch_size: number;
  readonly tubelet_size: number;
  readonly grid_height: number;
  readonly grid_width: number;
  readonly time_steps: number;
  /** N = grid_height * grid_width, row-major (row = y). */
  readonly per_step: number;
}

export interface ExpertSpec {
  readonly count: number;
  readonly hidden_dim: number;
  /** Smallest first; the last equals hidden_dim. */
  readonly widths: readonly number[];
}

export interface MacsSpec {
  /** Multiply-adds independent of the budget (embedding, router, temporal transformer, head). */
  readonly dense: number;
  /** Multiply-adds of one spatial token through all spatial blocks on expert j. */
  readonly per_token: readonly number[];
}

export interface BudgetSpec {
  readonly rule: 'mone-eq3';
  readonly beta: number;
  readonly delta: number;
  readonly counts_rule: 'floor-leftover-to-smallest';
  readonly min_ec: number;
  readonly max_ec: number;
  readonly default_ec: number;
  readonly levels: readonly number[];
}

/** Weights other than model_file's fp32 (contracts/model-metadata.schema.json `weight_files`). */
export type WeightsKind = 'int8-dynamic';

/** One budget of a weight file's evaluation against model_file, on the same clips. */
export interface WeightsPoint {
  readonly e_c: number;
  readonly top1_fp32: number;
  readonly top1: number;
  /** Share of clips whose top-1 equals model_file's. */
  readonly top1_agreement: number;
  /** Share of tokens on the same expert as with model_file (MoNE models). */
  readonly expert_agreement?: number;
  readonly max_logit_diff: number;
  readonly ms_fp32: number;
  readonly ms: number;
  /** The same on onnxruntime-web's WASM backend (evaluation.wasm_timing says where). */
  readonly wasm_ms_fp32?: number;
  readonly wasm_ms?: number;
}

/**
 * The same graph with other weights, for the backends it was measured on
 * (training/mone/variants.py); src/model/weights.ts chooses between it and model_file.
 */
export interface WeightFile {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
  /** model_sha256 of the fp32 file it was made from (checked: a new export makes it stale). */
  readonly from_sha256: string;
  readonly weights: WeightsKind;
  readonly backends: readonly ('webgpu' | 'wasm')[];
  readonly evaluation: {
    readonly split: string;
    readonly clips: number;
    readonly data_seed?: number;
    /** Where and how ms_fp32 and ms were measured. */
    readonly timing: string;
    /** Where and how wasm_ms_fp32 and wasm_ms were measured. */
    readonly wasm_timing?: string;
    readonly points: readonly WeightsPoint[];
  };
}

/** Mirrors contracts/model-metadata.schema.json (schema_version 1). */
export interface ModelMetadata {
  readonly schema_version: 1;
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly model_file: string;
  readonly model_bytes: number;
  readonly model_sha256: string;
  /** Optional: other weights of the same graph, per backend (absent in older metadata). */
  readonly weight_files?: readonly WeightFile[];
  readonly variant: 'mone' | 'dense';
  readonly labels: readonly string[];
  readonly inputs: { readonly video: TensorSpec; readonly expert_counts: TensorSpec };
  readonly outputs: {
    readonly logits: TensorSpec;
    readonly expert_index: TensorSpec;
    readonly router_probs: TensorSpec;
  };
  readonly video: VideoSpec;
  readonly tokens: TokenSpec;
  readonly experts: ExpertSpec;
  readonly macs: MacsSpec;
  readonly budget: BudgetSpec;
  readonly evaluation: {
    readonly split: string;
    readonly clips: number;
    readonly curves: Readonly<Record<string, readonly CurvePoint[]>>;
  };
}

/** Metadata that is not usable; `field` is the dotted path of the first offending field. */
export class MetadataError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`model metadata: ${field ? `${field}: ` : ''}${message}`);
    this.name = 'MetadataError';
    this.field = field;
  }
}

// Compiled lazily and once: ajv compiles the schema to a JS function at runtime (new Function).
// That is fine here (no CSP on the app or the worker) and keeps the schema file the single source.
let validateSchema: ValidateFunction<ModelMetadata> | undefined;
function schemaValidator(): ValidateFunction<ModelMetadata> {
  validateSchema ??= new Ajv2020({ allErrors: true }).compile<ModelMetadata>(schema);
  return validateSchema;
}

/** '/video/mean/1' -> 'video.mean[1]'; required/additional properties point at the child. */
function fieldOf(error: ErrorObject): string {
  let path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) =>
      /^\d+$/.test(part) ? `[${part}]` : `.${part.replace(/~1/g, '/').replace(/~0/g, '~')}`,
    )
    .join('');
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const child = params.missingProperty ?? params.additionalProperty;
  if (child !== undefined) path += `.${child}`;
  return path.replace(/^\./, '');
}

function describe(error: ErrorObject): string {
  const params = error.params as { additionalProperty?: string; allowedValues?: unknown };
  if (params.additionalProperty !== undefined) return 'is not an allowed property';
  if (error.keyword === 'required') return 'is required';
  if (params.allowedValues !== undefined) {
    return `${error.message ?? 'is invalid'}: ${JSON.stringify(params.allowedValues)}`;
  }
  return error.message ?? 'is invalid';
}

/**
 * ajv's errors as the first offending field and one sentence: the first problem, then a few more
 * so one reload fixes most of them. Shared with the model index (src/model/modelsIndex.ts).
 */
export function schemaProblem(errors: readonly ErrorObject[] | null | undefined): {
  field: string;
  message: string;
} {
  const all = errors ?? [];
  const first = all[0];
  if (first === undefined) return { field: '', message: 'does not match the schema' };
  const others = all.slice(1, 5).map((e) => `${fieldOf(e) || '(root)'} ${describe(e)}`);
  const more = all.length > 5 ? ` (+${all.length - 5} more)` : '';
  const also = others.length > 0 ? `; also: ${others.join('; ')}${more}` : '';
  return { field: fieldOf(first), message: `${describe(first)}${also}` };
}

/** Throws MetadataError unless `actual` equals `expected` (shape arrays compared elementwise). */
function expectShape(
  field: string,
  actual: readonly number[],
  expected: readonly number[],
  why: string,
) {
  const same = actual.length === expected.length && actual.every((d, i) => d === expected[i]);
  if (!same) {
    throw new MetadataError(
      field,
      `is [${actual.join(', ')}] but ${why} gives [${expected.join(', ')}]`,
    );
  }
}

/** Checks the schema cannot express. Assumes the schema already passed. */
function checkConsistency(m: ModelMetadata): void {
  const { tokens, experts, video } = m;
  const E = experts.count;
  const classes = m.outputs.logits.shape[1];
  if (m.labels.length !== classes) {
    throw new MetadataError(
      'labels',
      `has ${m.labels.length} entries but outputs.logits.shape[1] is ${String(classes)}`,
    );
  }
  if (experts.widths.length !== E) {
    throw new MetadataError(
      'experts.widths',
      `has ${experts.widths.length} entries but experts.count is ${E}`,
    );
  }
  if (experts.widths[E - 1] !== experts.hidden_dim) {
    throw new MetadataError(
      'experts.widths',
      `last width is ${String(experts.widths[E - 1])} but experts.hidden_dim is ${experts.hidden_dim}`,
    );
  }
  if (tokens.per_step !== tokens.grid_height * tokens.grid_width) {
    throw new MetadataError(
      'tokens.per_step',
      `is ${tokens.per_step} but grid_height * grid_width is ${tokens.grid_height * tokens.grid_width}`,
    );
  }
  if (tokens.time_steps * tokens.tubelet_size !== video.frames) {
    throw new MetadataError(
      'tokens.time_steps',
      `time_steps * tubelet_size is ${tokens.time_steps * tokens.tubelet_size} but video.frames is ${video.frames}`,
    );
  }
  const unordered = experts.widths.findIndex((w, i) => i > 0 && w <= experts.widths[i - 1]!);
  if (unordered > 0) {
    throw new MetadataError(
      `experts.widths[${unordered}]`,
      `${String(experts.widths[unordered])} is not larger than the width before it: widths go smallest first`,
    );
  }
  if (m.macs.per_token.length !== E) {
    throw new MetadataError(
      'macs.per_token',
      `has ${m.macs.per_token.length} entries but experts.count is ${E}`,
    );
  }
  // Tensor shapes the worker relies on when it builds inputs and decodes outputs.
  expectShape(
    'inputs.video.shape',
    m.inputs.video.shape,
    [1, video.frames, 3, video.height, video.width],
    '[1, video.frames, 3, video.height, video.width]',
  );
  expectShape('inputs.expert_counts.shape', m.inputs.expert_counts.shape, [E], '[experts.count]');
  expectShape(
    'outputs.logits.shape',
    m.outputs.logits.shape,
    [1, m.labels.length],
    '[1, labels.length]',
  );
  expectShape(
    'outputs.expert_index.shape',
    m.outputs.expert_index.shape,
    [tokens.time_steps, tokens.per_step],
    '[tokens.time_steps, tokens.per_step]',
  );
  expectShape(
    'outputs.router_probs.shape',
    m.outputs.router_probs.shape,
    [tokens.time_steps, tokens.per_step, E],
    '[tokens.time_steps, tokens.per_step, experts.count]',
  );
  checkWeightFiles(m);
  const { min_ec, max_ec, default_ec, levels } = m.budget;
  // The budget rule (src/model/budget.ts) solves for e_c in [1/2^(E-1), 1]: all tokens on the
  // smallest expert up to all on the full one. A range beyond it would fail on the slider.
  const lowest = 1 / 2 ** (E - 1);
  if (min_ec < lowest) {
    throw new MetadataError(
      'budget.min_ec',
      `${min_ec} is below ${lowest} (1/2^(experts.count-1)), the smallest budget ${E} experts can give`,
    );
  }
  if (max_ec > 1 || max_ec < min_ec) {
    throw new MetadataError('budget.max_ec', `${max_ec} must lie in [min_ec, 1] = [${min_ec}, 1]`);
  }
  if (!(min_ec <= default_ec && default_ec <= max_ec)) {
    throw new MetadataError(
      'budget.default_ec',
      `${default_ec} is outside [min_ec, max_ec] = [${min_ec}, ${max_ec}]`,
    );
  }
  const outside = levels.findIndex((level) => level < min_ec || level > max_ec);
  if (outside >= 0) {
    throw new MetadataError(
      `budget.levels[${outside}]`,
      `${String(levels[outside])} is outside [${min_ec}, ${max_ec}]`,
    );
  }
}

/** weight_files: each another file than model_file, listed once, made from this very export. */
function checkWeightFiles(m: ModelMetadata): void {
  const files = (m.weight_files ?? []).map((w) => w.file);
  (m.weight_files ?? []).forEach((w, i) => {
    const field = `weight_files[${i}]`;
    if (w.file === m.model_file) {
      throw new MetadataError(`${field}.file`, `is model_file (${m.model_file}): list other files`);
    }
    if (files.indexOf(w.file) !== i) {
      throw new MetadataError(`${field}.file`, `${w.file} is listed twice`);
    }
    if (w.from_sha256 !== m.model_sha256) {
      throw new MetadataError(
        `${field}.from_sha256`,
        `is ${w.from_sha256.slice(0, 12)}… but model_sha256 is ${m.model_sha256.slice(0, 12)}…: ${w.file} was made from another export`,
      );
    }
  });
}

/**
 * Validates parsed JSON (e.g. `await response.json()`) and returns it typed, or throws
 * MetadataError naming the first bad field (all schema errors are listed in the message).
 */
export function parseModelMetadata(json: unknown): ModelMetadata {
  const validate = schemaValidator();
  if (!validate(json)) {
    const { field, message } = schemaProblem(validate.errors);
    throw new MetadataError(field, message);
  }
  checkConsistency(json);
  return json;
}

/** parseModelMetadata for raw text, with a clear error when it is not JSON at all. */
export function parseModelMetadataText(text: string): ModelMetadata {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new MetadataError(
      '',
      `is not valid JSON (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  return parseModelMetadata(json);
}
