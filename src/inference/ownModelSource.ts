/**
 * The worker's side of a model from the user's disk (OwnModelSource): the pair as the page read
 * it, or a kept one from Cache Storage; validated like a shipped model (schema, cross-field
 * checks), plus the check that the .onnx is the file its metadata describes. The graph's inputs
 * and outputs are checked when the session is created (session.ts → modelContract.ts).
 *
 * Every failure becomes one `own-model` message that names the files and the field at fault.
 */
import { checkModelFile } from '../model/ownModel';
import { MetadataError, parseModelMetadataText, type ModelMetadata } from '../model/metadata';
import { readKeptModel } from '../model/keptModels';
import { sha256Hex } from '../model/sha256';
import type { OwnModelSource } from '../workers/protocol';
import { EngineFailure, errorMessageOf } from './engineFailure';

export interface OpenedOwnModel {
  readonly meta: ModelMetadata;
  readonly metadataText: string;
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly sha256: string;
  /** Store it in Cache Storage once it runs. */
  readonly keep: boolean;
}

/** How the messages name the model: its two files, or the kept model's hash. */
export function ownModelLabel(own: OwnModelSource): string {
  return own.kind === 'files'
    ? `"${own.modelFile}" + "${own.metadataFile}"`
    : `kept model ${own.sha256.slice(0, 12)}…`;
}

/** Failures that are the engine's, not the model's: passed on as they are. */
const ENGINE_CODES = new Set(['threads-unavailable', 'backend-unavailable', 'webgpu-lost']);

/** Any failure while opening an own model, as the `own-model` error that names it. */
export function ownModelFailure(own: OwnModelSource, err: unknown, suffix = ''): unknown {
  if (err instanceof EngineFailure && ENGINE_CODES.has(err.code)) return err;
  const fatal = err instanceof EngineFailure && err.fatal;
  // One sentence: the reason's own full stop gives way to the suffix.
  const why = errorMessageOf(err).replace(/\.+$/, '');
  const message = `Your model (${ownModelLabel(own)}) was not opened: ${why}${suffix || '.'}`;
  return new EngineFailure('own-model', message, fatal);
}

/** The metadata and bytes of an own model, checked as a pair; throws MetadataError/EngineFailure. */
export async function openOwnModel(
  own: OwnModelSource,
  caches: CacheStorage | undefined,
  base: string,
): Promise<OpenedOwnModel> {
  let metadataText: string;
  let bytes: Uint8Array<ArrayBuffer>;
  if (own.kind === 'files') {
    metadataText = own.metadataText;
    bytes = new Uint8Array(own.model);
  } else {
    const kept = caches === undefined ? null : await readKeptModel(caches, base, own.sha256);
    if (kept === null) {
      throw new EngineFailure(
        'own-model',
        'it is no longer stored on this device (the browser may have cleared its storage); open its files again',
      );
    }
    ({ metadataText, bytes } = kept);
    const sha256 = await sha256Hex(bytes);
    if (sha256 !== own.sha256) {
      throw new EngineFailure('own-model', 'its stored copy is damaged; open its files again');
    }
  }
  let meta: ModelMetadata;
  try {
    meta = parseModelMetadataText(metadataText);
    checkModelFile(meta, bytes.length, own.sha256);
  } catch (err) {
    if (!(err instanceof MetadataError)) throw err;
    const where = own.kind === 'files' ? `${own.metadataFile}: ` : '';
    throw new EngineFailure('own-model', `${where}${err.message}`);
  }
  return { meta, metadataText, bytes, sha256: own.sha256, keep: own.kind === 'files' && own.keep };
}
