/**
 * Opening a model from disk in the worker, with the shipped files: a good pair, and each way a
 * pair is refused (metadata schema, cross-field rules, a .onnx that is not the one described, a
 * kept copy that is gone or damaged), each with the message the page shows.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FakeCacheStorage } from '../model/fakeCacheStorage';
import { keepModel } from '../model/keptModels';
import type { OwnModelSource } from '../workers/protocol';
import { EngineFailure } from './engineFailure';
import { openOwnModel, ownModelFailure } from './ownModelSource';

const MODELS = new URL('../../public/models/', import.meta.url);
const BASE = 'http://localhost/';
const onnx = readFileSync(new URL('vivit-dense-s.onnx', MODELS));
const json = readFileSync(new URL('vivit-dense-s.json', MODELS), 'utf8');
const sha256 = createHash('sha256').update(onnx).digest('hex');

function files(metadataText = json, model = onnx): OwnModelSource {
  const buffer = new Uint8Array(model).buffer; // a fresh copy: the real path transfers it
  return {
    kind: 'files',
    sha256: createHash('sha256').update(model).digest('hex'),
    modelFile: 'dense.onnx',
    metadataFile: 'dense.json',
    metadataText,
    model: buffer,
    keep: true,
  };
}

const edited = (edit: (m: Record<string, unknown>) => void) => {
  const m = JSON.parse(json) as Record<string, unknown>;
  edit(m);
  return JSON.stringify(m);
};

/** The page's sentence for a refused pair. */
async function refusal(source: OwnModelSource, caches?: CacheStorage): Promise<string> {
  try {
    await openOwnModel(source, caches, BASE);
  } catch (err) {
    const failure = ownModelFailure(source, err);
    expect(failure).toBeInstanceOf(EngineFailure);
    expect((failure as EngineFailure).code).toBe('own-model');
    return (failure as EngineFailure).message;
  }
  throw new Error('expected the pair to be refused');
}

describe('openOwnModel', () => {
  it('opens the shipped dense pair from files, to be kept', async () => {
    const own = await openOwnModel(files(), undefined, BASE);
    expect(own.meta.name).toBe('vivit-dense-s');
    expect(own.sha256).toBe(sha256);
    expect(own.bytes.length).toBe(onnx.length);
    expect(own.keep).toBe(true);
  });

  it.each<[string, string, string]>([
    [
      'a missing required field',
      edited((m) => delete m.labels),
      'dense.json: model metadata: labels: is required',
    ],
    [
      'a wrong type',
      edited((m) => ((m.tokens as Record<string, unknown>).per_step = '64')),
      'dense.json: model metadata: tokens.per_step: must be integer',
    ],
    [
      'a label count the metadata contradicts',
      edited((m) => (m.labels as string[]).pop()),
      'dense.json: model metadata: labels: has 9 entries but outputs.logits.shape[1] is 10',
    ],
    [
      'expert widths out of order',
      edited((m) => ((m.experts as { widths: number[] }).widths = [16, 64, 32, 128])),
      'dense.json: model metadata: experts.widths[2]: 32 is not larger than the width before it',
    ],
    [
      'a budget below what the experts can give',
      edited((m) => ((m.budget as { min_ec: number }).min_ec = 0.1)),
      'dense.json: model metadata: budget.min_ec: 0.1 is below 0.125',
    ],
    ['not JSON', '{"labels": [', 'dense.json: model metadata: is not valid JSON'],
    [
      'the metadata of another export',
      readFileSync(new URL('mone-vivit-s.json', MODELS), 'utf8'),
      'dense.json: model metadata: model_bytes: is 4300916 but the .onnx file has 4237199 bytes',
    ],
  ])('refuses %s, naming the field', async (_what, metadataText, message) => {
    const text = await refusal(files(metadataText));
    expect(text).toContain('Your model ("dense.onnx" + "dense.json") was not opened: ');
    expect(text).toContain(message);
  });

  it('refuses a changed .onnx by its sha256', async () => {
    const changed = Uint8Array.from(onnx);
    changed[changed.length - 1] = changed.at(-1)! ^ 1;
    expect(await refusal(files(json, Buffer.from(changed)))).toMatch(
      /model_sha256: is e20a60227b5b… but the \.onnx file's sha256 is [0-9a-f]{12}…: the two files are not one export/,
    );
  });

  it('reads a kept pair, and says when it is gone or damaged', async () => {
    const caches = new FakeCacheStorage() as unknown as CacheStorage;
    const kept: OwnModelSource = { kind: 'kept', sha256 };
    expect(await refusal(kept, caches)).toBe(
      `Your model (kept model ${sha256.slice(0, 12)}…) was not opened: it is no longer stored on this device (the browser may have cleared its storage); open its files again.`,
    );
    await keepModel(caches, BASE, sha256, json, new Uint8Array(onnx));
    const own = await openOwnModel(kept, caches, BASE);
    expect(own.meta.name).toBe('vivit-dense-s');
    expect(own.keep).toBe(false);

    await keepModel(caches, BASE, sha256, json, Uint8Array.from([1, 2, 3]));
    expect(await refusal(kept, caches)).toContain(
      'its stored copy is damaged; open its files again',
    );
  });

  it('passes engine failures on unchanged', () => {
    const err = new EngineFailure('threads-unavailable', 'one thread', true);
    expect(ownModelFailure(files(), err)).toBe(err);
    // One full stop between the reason and what keeps running.
    const failure = ownModelFailure(files(), new Error('no good.'), '. a keeps running.');
    expect((failure as Error).message).toBe(
      'Your model ("dense.onnx" + "dense.json") was not opened: no good. a keeps running.',
    );
  });
});
