import { describe, expect, it } from 'vitest';
import { parseModelMetadata } from './metadata';
import { centerCropRect, clipShape, createClip, writeFrame } from './preprocess';
import { tinyMetadataJson } from './testFixtures';

// Fixture: 8 frames of 32x32, mean [0.5, 0.4, 0.3], std [0.25, 0.2, 0.1], pixel_scale 1/255.
const meta = parseModelMetadata(tinyMetadataJson());
const W = 32;
const H = 32;
const PLANE = W * H;

function solidFrame(r: number, g: number, b: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(PLANE * 4);
  for (let p = 0; p < PLANE; p++) rgba.set([r, g, b, 255], p * 4);
  return rgba;
}

describe('centerCropRect', () => {
  it('takes the largest centred square', () => {
    expect(centerCropRect(640, 480)).toEqual({ sx: 80, sy: 0, size: 480 });
    expect(centerCropRect(480, 640)).toEqual({ sx: 0, sy: 80, size: 480 });
    expect(centerCropRect(64, 64)).toEqual({ sx: 0, sy: 0, size: 64 });
  });
  it('floors odd margins like Python //', () => {
    expect(centerCropRect(101, 100)).toEqual({ sx: 0, sy: 0, size: 100 });
    expect(centerCropRect(103, 100)).toEqual({ sx: 1, sy: 0, size: 100 });
  });
  it('rejects empty frames', () => {
    expect(() => centerCropRect(0, 480)).toThrow(/positive integers, got 0x480/);
  });
});

describe('writeFrame', () => {
  it('sizes the clip as [1, T, 3, H, W]', () => {
    expect(clipShape(meta)).toEqual([1, 8, 3, 32, 32]);
    expect(createClip(meta)).toHaveLength(8 * 3 * PLANE);
  });

  it('normalises known bytes to known floats', () => {
    const clip = createClip(meta);
    writeFrame(clip, 0, solidFrame(255, 0, 51), meta);
    expect(clip[0]).toBeCloseTo((1 - 0.5) / 0.25, 6); // R = 255 -> 2
    expect(clip[PLANE]).toBeCloseTo((0 - 0.4) / 0.2, 6); // G = 0 -> -2
    expect(clip[2 * PLANE]).toBeCloseTo((51 / 255 - 0.3) / 0.1, 6); // B = 51 -> -1
    expect(clip[2 * PLANE]).toBe(Math.fround((51 * (1 / 255) - 0.3) / 0.1));
  });

  it('writes channel planes of frame t, row-major, and nothing else', () => {
    const clip = createClip(meta);
    const rgba = new Uint8ClampedArray(PLANE * 4);
    const x = 5;
    const y = 7;
    rgba.set([255, 255, 255, 0], (y * W + x) * 4); // one white pixel, alpha ignored
    const t = 3;
    writeFrame(clip, t, rgba, meta);
    const offset = (c: number) => ((0 * 8 + t) * 3 + c) * PLANE + y * W + x;
    expect(clip[offset(0)]).toBeCloseTo(2, 6);
    expect(clip[offset(1)]).toBeCloseTo(3, 6);
    expect(clip[offset(2)]).toBeCloseTo(7, 6);
    // Black pixels elsewhere in frame t; other frames untouched (still 0).
    expect(clip[offset(0) + 1]).toBeCloseTo(-2, 6);
    expect(clip[(t - 1) * 3 * PLANE]).toBe(0);
    expect(clip[(t + 1) * 3 * PLANE]).toBe(0);
  });

  it('rejects wrong sizes and indexes with clear errors', () => {
    const clip = createClip(meta);
    expect(() => writeFrame(clip, 8, solidFrame(0, 0, 0), meta)).toThrow(/\[0, 8\), got 8/);
    expect(() => writeFrame(clip, 0, new Uint8ClampedArray(16), meta)).toThrow(
      /expected 4096 \(32x32 RGBA\)/,
    );
    expect(() => writeFrame(new Float32Array(10), 0, solidFrame(0, 0, 0), meta)).toThrow(
      /clip buffer has 10 values/,
    );
  });
});
