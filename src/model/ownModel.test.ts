import { describe, expect, it } from 'vitest';
import { MetadataError, parseModelMetadata } from './metadata';
import { checkModelFile, dropKind, ownModelEntry, pairModelFiles } from './ownModel';
import { isOwnModelId, ownModelId } from './ownModelId';
import { tinyMetadataJson } from './testFixtures';

const file = (name: string) => ({ name });
const SHA = 'ab'.repeat(32);

describe('dropKind', () => {
  it('sends a drop holding an .onnx or a .json to the model path, anything else to the video', () => {
    expect(dropKind([file('m.onnx'), file('m.json')])).toBe('model');
    expect(dropKind([file('clip.mp4'), file('M.JSON')])).toBe('model');
    expect(dropKind([file('clip.mp4')])).toBe('video');
    expect(dropKind([file('notes.txt'), file('photo.png')])).toBe('video');
    expect(dropKind([file('onnx')])).toBe('video');
  });
});

describe('pairModelFiles', () => {
  it('pairs one .onnx with one .json, whatever the order and other files', () => {
    const onnx = file('a.ONNX');
    const json = file('a.json');
    expect(pairModelFiles([json, file('readme.md'), onnx])).toEqual({ ok: true, onnx, json });
  });

  it.each([
    [[file('m.onnx')], /the metadata \.json is missing \(got "m\.onnx"\)/],
    [[file('m.json')], /the \.onnx is missing \(got "m\.json"\)/],
    [[], /the \.onnx is missing \(got no file\)/],
    [
      [file('a.onnx'), file('b.onnx'), file('a.json')],
      /got 2 \.onnx files \("a\.onnx", "b\.onnx"\)/,
    ],
    [
      [file('a.onnx'), file('a.json'), file('b.json')],
      /got 2 \.json files \("a\.json", "b\.json"\)/,
    ],
  ])('names what is wrong: %j', (files, why) => {
    const pair = pairModelFiles(files);
    expect(pair.ok).toBe(false);
    if (!pair.ok) {
      expect(pair.why).toMatch(/^A model is two files: its \.onnx and its metadata \.json; /);
      expect(pair.why).toMatch(why);
    }
  });
});

describe('checkModelFile', () => {
  const meta = { model_bytes: 1000, model_sha256: SHA };

  it('accepts the file its metadata describes', () => {
    expect(() => checkModelFile(meta, 1000, SHA)).not.toThrow();
  });

  it('names model_bytes when the size differs', () => {
    expect(() => checkModelFile(meta, 999, SHA)).toThrow(
      'model metadata: model_bytes: is 1000 but the .onnx file has 999 bytes: the two files are not one export',
    );
  });

  it('names model_sha256 when the content differs', () => {
    const other = 'cd'.repeat(32);
    let error: unknown;
    try {
      checkModelFile(meta, 1000, other);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MetadataError);
    expect((error as MetadataError).field).toBe('model_sha256');
    expect((error as MetadataError).message).toBe(
      "model metadata: model_sha256: is abababababab… but the .onnx file's sha256 is cdcdcdcdcdcd…: the two files are not one export",
    );
  });
});

describe('ownModelEntry', () => {
  it('is a picker entry named after the metadata, with its size, classes and dense compute', () => {
    const meta = parseModelMetadata(tinyMetadataJson());
    const info = {
      sha256: SHA,
      metadataSha256: 'cd'.repeat(32),
      modelFile: 'm.onnx',
      metadataFile: 'm.json',
      bytes: 4_250_000,
    };
    const entry = ownModelEntry(meta, { ...info, kept: false }, '../samples/index.json');
    expect(entry.id).toBe(`own:${SHA}.${'cd'.repeat(8)}`);
    expect(ownModelId(info)).toBe(entry.id);
    expect(isOwnModelId(entry.id)).toBe(true);
    expect(isOwnModelId('mone-vivit-s')).toBe(false);
    expect(entry.name).toBe(`Your model: ${meta.name}`);
    expect(entry.task).toBe('3 classes, 4.3 MB, open until you leave the page');
    expect(entry.classes).toBe(meta.labels.length);
    expect(entry.kind).toBe(meta.variant);
    expect(entry.samples).toBe('../samples/index.json');
    const { dense, per_token } = meta.macs;
    const { time_steps, per_step } = meta.tokens;
    expect(entry.dense_gmacs).toBeCloseTo(
      (dense + time_steps * per_step * per_token[3]!) / 1e9,
      12,
    );
    expect(ownModelEntry(meta, { ...info, kept: true }, '').task).toMatch(/kept on this device$/);
  });
});
