import { describe, expect, it } from 'vitest';
import { cropBoxPercent, stageSize } from './geometry';

describe('cropBoxPercent', () => {
  it('covers a square video entirely', () => {
    expect(cropBoxPercent(192, 192)).toEqual({ left: 0, top: 0, width: 100, height: 100 });
  });

  it('is the centred square of a landscape camera frame', () => {
    expect(cropBoxPercent(640, 480)).toEqual({ left: 12.5, top: 0, width: 75, height: 100 });
  });

  it('is the centred square of a portrait frame', () => {
    expect(cropBoxPercent(480, 640)).toEqual({ left: 0, top: 12.5, width: 100, height: 75 });
  });

  it('is the whole box, without throwing, for a source with no picture', () => {
    const whole = { left: 0, top: 0, width: 100, height: 100 };
    for (const [w, h] of [
      [0, 0],
      [0, 480],
      [640, 0],
      [-2, 4],
      [Number.NaN, 4],
      [Number.POSITIVE_INFINITY, 4],
    ] as const) {
      expect(cropBoxPercent(w, h), `${w}x${h}`).toEqual(whole);
    }
  });
});

describe('stageSize', () => {
  it('is the video size when the video has one', () => {
    expect(stageSize({ width: 640, height: 480 })).toEqual({ width: 640, height: 480 });
  });

  it('is a square before a video is known or for an audio-only source (0x0)', () => {
    expect(stageSize(null)).toEqual({ width: 1, height: 1 });
    expect(stageSize({ width: 0, height: 0 })).toEqual({ width: 1, height: 1 });
  });
});
