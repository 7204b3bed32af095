/**
 * A model the user brings from disk: an `.onnx` and its metadata `.json` (the exporter's pair,
 * contracts/README.md). Both are read in the page, the bytes go to the worker, nothing is sent
 * anywhere. These are the rules that need no browser: which dropped files are a model, whether
 * the two files belong together, and the picker entry a validated pair becomes.
 *
 * The worker validates the metadata (metadata.ts) and the graph (modelContract.ts) exactly as it
 * does for a shipped model; a pair that fails leaves the running model in place.
 */
import { MetadataError, type ModelMetadata } from './metadata';
import type { ModelEntry } from './modelsIndex';
import { ownModelId } from './ownModelId';

const extensionOf = (name: string) => /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
const isModelFile = (f: { name: string }) => ['onnx', 'json'].includes(extensionOf(f.name));

/** A drop holding an .onnx or a .json goes to the model path; anything else to the video path. */
export function dropKind(files: readonly { name: string }[]): 'model' | 'video' {
  return files.some(isModelFile) ? 'model' : 'video';
}

export type ModelFilePair<F> =
  | { readonly ok: true; readonly onnx: F; readonly json: F }
  | { readonly ok: false; readonly why: string };

/**
 * The .onnx and the .json among the chosen or dropped files (others are ignored), or why they are
 * not one model: exactly one of each is needed.
 */
export function pairModelFiles<F extends { name: string }>(files: readonly F[]): ModelFilePair<F> {
  const onnx = files.filter((f) => extensionOf(f.name) === 'onnx');
  const json = files.filter((f) => extensionOf(f.name) === 'json');
  const names = (list: readonly F[]) => list.map((f) => `"${f.name}"`).join(', ');
  const need = 'A model is two files: its .onnx and its metadata .json';
  if (onnx.length === 1 && json.length === 1) return { ok: true, onnx: onnx[0]!, json: json[0]! };
  if (onnx.length > 1)
    return { ok: false, why: `${need}; got ${onnx.length} .onnx files (${names(onnx)}).` };
  if (json.length > 1)
    return { ok: false, why: `${need}; got ${json.length} .json files (${names(json)}).` };
  const missing = onnx.length === 0 ? '.onnx' : 'metadata .json';
  const got = files.length === 0 ? 'no file' : names(files);
  return { ok: false, why: `${need}; the ${missing} is missing (got ${got}).` };
}

/**
 * The .onnx file against what its metadata says of it: the same size and sha256, or the two
 * files are not one export (a .json from another model, or a model changed after export).
 */
export function checkModelFile(
  meta: Pick<ModelMetadata, 'model_bytes' | 'model_sha256'>,
  bytes: number,
  sha256: string,
): void {
  const notAPair = 'the two files are not one export';
  if (meta.model_bytes !== bytes) {
    throw new MetadataError(
      'model_bytes',
      `is ${meta.model_bytes} but the .onnx file has ${bytes} bytes: ${notAPair}`,
    );
  }
  if (meta.model_sha256 !== sha256) {
    throw new MetadataError(
      'model_sha256',
      `is ${meta.model_sha256.slice(0, 12)}… but the .onnx file's sha256 is ${sha256.slice(0, 12)}…: ${notAPair}`,
    );
  }
}

/** Where an own model came from: its files' names and size, and whether this device keeps it. */
export interface OwnModelInfo {
  /** Of the .onnx: its key on this device. */
  readonly sha256: string;
  /** Of the metadata text (UTF-8). */
  readonly metadataSha256: string;
  readonly modelFile: string;
  readonly metadataFile: string;
  /** The .onnx and the .json together. */
  readonly bytes: number;
  /** Stored in Cache Storage (listed on the next visit until forgotten). */
  readonly kept: boolean;
}

export interface OwnModelEntry extends ModelEntry {
  readonly own: OwnModelInfo;
}

export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * The picker's entry for a validated pair. It plays the shipped sample clips (`samples`, relative
 * to the model index) besides files and the camera; labels and grid come from its metadata.
 */
export function ownModelEntry(
  meta: ModelMetadata,
  own: OwnModelInfo,
  samples: string,
): OwnModelEntry {
  const full = meta.macs.per_token[meta.experts.count - 1] ?? 0;
  return {
    id: ownModelId(own),
    name: `Your model: ${meta.name}`,
    task: `${meta.labels.length} classes, ${formatMegabytes(own.bytes)}, ${own.kept ? 'kept on this device' : 'open until you leave the page'}`,
    kind: meta.variant,
    model_bytes: meta.model_bytes,
    dense_gmacs: (meta.macs.dense + meta.tokens.time_steps * meta.tokens.per_step * full) / 1e9,
    parameters: 0, // the metadata does not carry it
    classes: meta.labels.length,
    backends: ['webgpu', 'wasm'],
    samples,
    camera_mirrored: false,
    own,
  };
}
