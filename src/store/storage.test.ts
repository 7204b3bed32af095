import { describe, expect, it } from 'vitest';
import shippedIndex from '../../public/models/index.json';
import {
  estimateBytes,
  freeBytes,
  modelFit,
  storageBytes,
  storageText,
  storageWarning,
} from './storage';

const MB = 1024 * 1024;
const GB = 1024 * MB;
const shipped = shippedIndex.models[0]!;

describe('estimateBytes', () => {
  it('keeps usage and quota', () => {
    expect(estimateBytes({ usage: 10, quota: 100 })).toEqual({ usage: 10, quota: 100 });
  });
  it('reads a missing usage as nothing used', () => {
    expect(estimateBytes({ quota: 100 })).toEqual({ usage: 0, quota: 100 });
  });
  it('gives null without a usable quota', () => {
    expect(estimateBytes(undefined)).toBeNull();
    expect(estimateBytes({ usage: 1 })).toBeNull();
    expect(estimateBytes({ usage: 1, quota: 0 })).toBeNull();
    expect(estimateBytes({ usage: 1, quota: Number.NaN })).toBeNull();
    expect(estimateBytes({ usage: -1, quota: 100 })).toBeNull();
  });
});

describe('modelFit', () => {
  it('fits when the model is at most quota − usage', () => {
    expect(modelFit(4 * MB, { usage: 6 * MB, quota: 10 * MB })).toEqual({
      kind: 'fits',
      freeBytes: 4 * MB,
    });
  });
  it('is too big by one byte', () => {
    expect(modelFit(4 * MB + 1, { usage: 6 * MB, quota: 10 * MB })).toEqual({
      kind: 'too-big',
      freeBytes: 4 * MB,
      modelBytes: 4 * MB + 1,
    });
  });
  it('counts usage above the quota as no room at all', () => {
    const e = { usage: 12 * MB, quota: 10 * MB };
    expect(freeBytes(e)).toBe(0);
    expect(modelFit(1, e)).toMatchObject({ kind: 'too-big', freeBytes: 0 });
  });
  it('says nothing without an estimate', () => {
    expect(modelFit(4 * MB, null)).toEqual({ kind: 'unknown' });
  });
  it("uses the index's model_bytes of the shipped model", () => {
    const e = { usage: 0, quota: 4 * MB };
    expect(shipped.model_bytes).toBeGreaterThan(4 * MB);
    expect(modelFit(shipped.model_bytes, e).kind).toBe('too-big');
    expect(modelFit(shipped.model_bytes, { usage: 0, quota: 5 * MB }).kind).toBe('fits');
  });
});

describe('storageWarning', () => {
  it('names the model, its size and what is left, and says it still runs', () => {
    const fit = modelFit(shipped.model_bytes, { usage: 9 * MB, quota: 10 * MB });
    const message = storageWarning(shipped.name, fit);
    expect(message).toContain(shipped.name);
    expect(message).toContain('4.1 MB');
    expect(message).toContain('1.0 MB');
    expect(message).toMatch(/still downloads and runs/);
    expect(message).toMatch(/offline/);
  });
  it('is null when the model fits or nothing is known', () => {
    expect(storageWarning('m', { kind: 'fits', freeBytes: 1 })).toBeNull();
    expect(storageWarning('m', { kind: 'unknown' })).toBeNull();
  });
});

describe('storage text', () => {
  it('writes GB from 1 GB on', () => {
    expect(storageBytes(GB)).toBe('1.0 GB');
    expect(storageBytes(GB - 1)).toBe('1024.0 MB');
    expect(storageBytes(300)).toBe('300 B');
  });
  it('gives usage, quota and the share', () => {
    expect(storageText({ usage: 4.3 * MB, quota: 10 * GB })).toBe('4.3 MB of 10.0 GB used (<0.1%)');
    expect(storageText({ usage: 5 * MB, quota: 10 * MB })).toBe('5.0 MB of 10.0 MB used (50.0%)');
    expect(storageText({ usage: 0, quota: 10 * MB })).toBe('0 B of 10.0 MB used (0.0%)');
    expect(storageText(null)).toMatch(/unknown/);
  });
});
