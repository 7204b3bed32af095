import { describe, expect, it } from 'vitest';
import { frameDecision, initialFrameClock, type FrameClock } from './frameClock';

function run(times: number[], fps = 10) {
  let clock: FrameClock = initialFrameClock;
  return times.map((t) => {
    const step = frameDecision(clock, t, fps);
    clock = step.clock;
    return step.decision;
  });
}

describe('frameDecision', () => {
  it('takes every third frame of a 30 fps file at 10 fps', () => {
    const times = Array.from({ length: 9 }, (_, i) => i / 30);
    expect(run(times)).toEqual([
      'take',
      'skip',
      'skip',
      'take',
      'skip',
      'skip',
      'take',
      'skip',
      'skip',
    ]);
  });

  it('still takes one frame per slot when frames are dropped', () => {
    expect(run([0, 0.0667, 0.1333, 0.2667, 0.3])).toEqual(['take', 'skip', 'take', 'take', 'take']);
  });

  it('restarts when a looping video jumps back', () => {
    expect(run([2.2, 2.3, 0, 0.0333, 0.1])).toEqual(['take', 'take', 'restart', 'skip', 'take']);
  });

  it('works for camera streams whose media time starts anywhere', () => {
    expect(run([1234.5, 1234.55, 1234.6])).toEqual(['take', 'skip', 'take']);
  });
});
