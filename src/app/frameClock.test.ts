import { describe, expect, it } from 'vitest';
import { frameDecision, initialFrameClock, type FrameClock, type LoopInfo } from './frameClock';

function run(times: number[], fps = 10, loop?: LoopInfo) {
  let clock: FrameClock = initialFrameClock;
  return times.map((t) => {
    const step = frameDecision(clock, t, fps, loop);
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

  it('still restarts a looping file long enough to hold a clip', () => {
    const loop = { duration: 1.6, frames: 8 };
    expect(run([1.5, 1.5667, 0, 0.0333, 0.1], 10, loop)).toEqual([
      'take',
      'skip',
      'restart',
      'skip',
      'take',
    ]);
  });

  it('runs the clip on across the loops of a file shorter than one clip', () => {
    // 0.2 s at 30 fps: two model frames per pass, so a clip of 8 needs four passes.
    const pass = Array.from({ length: 6 }, (_, i) => i / 30);
    const decisions = run([...pass, ...pass, ...pass, ...pass], 10, { duration: 0.2, frames: 8 });
    expect(decisions).not.toContain('restart');
    expect(decisions.filter((d) => d === 'take')).toHaveLength(8);
  });

  it('spaces the frames across the loop point at the model rate', () => {
    // A 0.25 s file: slots 0, 1, 2 in the first pass; the second pass starts at 0.25 s, slot 2
    // already taken, so its first new slot is 0.3 s (media time 0.05).
    const pass = [0, 0.05, 0.1, 0.15, 0.2];
    expect(run([...pass, ...pass], 10, { duration: 0.25, frames: 8 })).toEqual([
      'take',
      'skip',
      'take',
      'skip',
      'take',
      'skip',
      'take',
      'skip',
      'take',
      'skip',
    ]);
  });

  it('estimates the pass from the frames seen when the duration is unknown', () => {
    const pass = [0, 0.1];
    expect(run([...pass, ...pass, ...pass], 10, { duration: Infinity, frames: 8 })).toEqual([
      'take',
      'take',
      'take',
      'take',
      'take',
      'take',
    ]);
  });
});
