import { describe, expect, it } from 'vitest';
import { ANNOUNCE_RULE, nextAnnouncement, type Announcement } from './announce';

const labels = ['moving_left', 'moving_right', 'static'];
const { minIntervalMs, confidenceStep } = ANNOUNCE_RULE;

/** Feeds results one by one and returns what the region says after each. */
function speak(results: [probs: number[], at: number][]): (string | null)[] {
  let last: Announcement | null = null;
  return results.map(([probs, at]) => {
    const next = nextAnnouncement(last, probs, labels, at);
    if (next !== null) last = next;
    return next?.text ?? null;
  });
}

describe('nextAnnouncement', () => {
  it('says the first prediction with its label and whole-percent confidence', () => {
    expect(speak([[[0.1, 0.874, 0.026], 0]])).toEqual(['Prediction: moving right, 87% confidence']);
  });

  it('stays quiet while the top-1 and its confidence hold, however many results arrive', () => {
    const steady = Array.from(
      { length: 100 },
      (_, i) => [[0.8 + (i % 5) / 100, 0.1, 0.1 - (i % 5) / 100], i * 100] as [number[], number],
    );
    const said = speak(steady).filter((t) => t !== null);
    expect(said).toEqual(['Prediction: moving left, 80% confidence']);
  });

  it('says a new top-1 once the minimum interval has passed, not before', () => {
    const said = speak([
      [[0.9, 0.05, 0.05], 0],
      [[0.1, 0.8, 0.1], minIntervalMs - 1], // changed, too soon
      [[0.1, 0.8, 0.1], minIntervalMs], // the same result a moment later is said
      [[0.1, 0.8, 0.1], minIntervalMs + 100],
    ]);
    expect(said).toEqual([
      'Prediction: moving left, 90% confidence',
      null,
      'Prediction: moving right, 80% confidence',
      null,
    ]);
  });

  it('says the same top-1 again only when its confidence moved by the step', () => {
    const t = minIntervalMs * 10;
    const p = (x: number) => [x, (1 - x) / 2, (1 - x) / 2];
    const said = speak([
      [p(0.5), 0],
      [p(0.5 + (confidenceStep - 1) / 100), t],
      [p(0.5 + confidenceStep / 100), 2 * t],
    ]);
    expect(said[1]).toBeNull();
    expect(said[2]).toBe(`Prediction: moving left, ${50 + confidenceStep}% confidence`);
  });

  it('ignores results that do not match the labels', () => {
    expect(nextAnnouncement(null, [], labels, 0)).toBeNull();
    expect(nextAnnouncement(null, [0.5, 0.5], labels, 0)).toBeNull();
  });
});
