/**
 * The page's side of models from the user's disk: reading the chosen pair (locally: File API and
 * crypto.subtle, no request), and listing or forgetting the ones kept on this device. The worker
 * validates and runs them (src/inference/ownModelSource.ts); the controller wires both together.
 */
import type { OwnModelInput } from '../client/inferenceClient';
import { forgetKeptModel, listKeptModels } from '../model/keptModels';
import { parseModelMetadataText } from '../model/metadata';
import { ownModelEntry, type OwnModelEntry, type OwnModelInfo } from '../model/ownModel';
import { sha256Hex, textSha256 } from '../model/sha256';

export interface ModelFiles {
  readonly onnx: File;
  readonly json: File;
}

export interface OpenedFiles {
  readonly info: Omit<OwnModelInfo, 'kept'>;
  /** What the client sends: the first read's bytes once, then the files read again. */
  readonly input: OwnModelInput;
}

const readPair = async (files: ModelFiles) => ({
  metadataText: await files.json.text(),
  model: await files.onnx.arrayBuffer(),
});

/** The worker's request for files already opened on this page (read from disk again). */
export function filesInput(info: Omit<OwnModelInfo, 'kept'>, files: ModelFiles, keep: boolean) {
  const { sha256, modelFile, metadataFile } = info;
  return {
    kind: 'files',
    sha256,
    modelFile,
    metadataFile,
    keep,
    read: () => readPair(files),
  } as const;
}

/**
 * Reads both files and hashes the model (its id and its key on this device). The bytes read here
 * are the ones the first worker gets (transferred, so they are not kept on the page).
 */
export async function openFiles(files: ModelFiles, keep: boolean): Promise<OpenedFiles> {
  let first: Awaited<ReturnType<typeof readPair>> | null = await readPair(files);
  const sha256 = await sha256Hex(new Uint8Array(first.model));
  const info = {
    sha256,
    metadataSha256: await textSha256(first.metadataText),
    modelFile: files.onnx.name,
    metadataFile: files.json.name,
    bytes: files.onnx.size + files.json.size,
  };
  const again = filesInput(info, files, keep);
  const read = () => {
    const pair = first;
    first = null;
    return pair === null ? again.read() : Promise.resolve(pair);
  };
  return { info, input: { ...again, read } };
}

const storage = () => (typeof caches === 'undefined' ? undefined : caches);

/**
 * The models kept on this device, as picker entries; a stored pair this version of the app
 * cannot read is named in `problems` (and left in storage: Forget is the user's call).
 */
export async function listKeptEntries(
  samples: string,
): Promise<{ entries: OwnModelEntry[]; problems: string[] }> {
  const store = storage();
  if (store === undefined) return { entries: [], problems: [] };
  const entries: OwnModelEntry[] = [];
  const problems: string[] = [];
  for (const kept of await listKeptModels(store, window.location.origin)) {
    try {
      const meta = parseModelMetadataText(kept.metadataText);
      const info = {
        sha256: kept.sha256,
        metadataSha256: await textSha256(kept.metadataText),
        modelFile: meta.model_file,
        metadataFile: `${meta.name}.json`,
        bytes: meta.model_bytes + new Blob([kept.metadataText]).size,
        kept: true,
      };
      entries.push(ownModelEntry(meta, info, samples));
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      problems.push(
        `A model kept on this device (${kept.sha256.slice(0, 12)}…) is unusable: ${why}.`,
      );
    }
  }
  return { entries, problems };
}

export async function forgetKept(sha256: string): Promise<void> {
  const store = storage();
  if (store !== undefined) await forgetKeptModel(store, window.location.origin, sha256);
}
