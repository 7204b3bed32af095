import { describe, expect, it } from 'vitest';
import { cropBoxPercent, moveCell, stageSize } from './geometry';

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

describe('moveCell', () => {
  // 3 rows x 4 cols, row-major: cell 5 is row 1, col 1.
  it('moves one cell per arrow and stops at the edges', () => {
    expect(moveCell(5, 'ArrowRight', 3, 4)).toBe(6);
    expect(moveCell(5, 'ArrowLeft', 3, 4)).toBe(4);
    expect(moveCell(5, 'ArrowUp', 3, 4)).toBe(1);
    expect(moveCell(5, 'ArrowDown', 3, 4)).toBe(9);
    expect(moveCell(3, 'ArrowRight', 3, 4)).toBe(3);
    expect(moveCell(4, 'ArrowLeft', 3, 4)).toBe(4);
    expect(moveCell(1, 'ArrowUp', 3, 4)).toBe(1);
    expect(moveCell(9, 'ArrowDown', 3, 4)).toBe(9);
  });
  it('jumps to the first and last cell with Home and End; other keys do not move', () => {
    expect(moveCell(5, 'Home', 3, 4)).toBe(0);
    expect(moveCell(5, 'End', 3, 4)).toBe(11);
    expect(moveCell(5, 'Enter', 3, 4)).toBeNull();
  });
  it('swaps left and right on a mirrored overlay', () => {
    expect(moveCell(5, 'ArrowRight', 3, 4, true)).toBe(4);
    expect(moveCell(5, 'ArrowLeft', 3, 4, true)).toBe(6);
  });
});
