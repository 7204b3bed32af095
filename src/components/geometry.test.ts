import { describe, expect, it } from 'vitest';
import { cropBoxPercent } from './geometry';

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
});
