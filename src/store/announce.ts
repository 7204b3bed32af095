/**
 * What the polite live region says about the prediction, and when. A result arrives several times
 * a second and its smoothed top-1 barely moves; saying it each time would drown a screen reader's
 * other speech. So the region speaks when the top-1 class changes, or when its confidence has
 * moved by `confidenceStep` points since it last spoke, and never twice within `minIntervalMs`.
 */
import { topK } from '../model/postprocess';
import { prettyLabel } from './selectors';

export interface Announcement {
  readonly label: string;
  /** Whole percent, as said. */
  readonly percent: number;
  /** performance.now() of the result it was made for. */
  readonly at: number;
  readonly text: string;
}

export interface AnnounceRule {
  readonly minIntervalMs: number;
  /** Percentage points the confidence of an unchanged top-1 must move to be said again. */
  readonly confidenceStep: number;
}

export const ANNOUNCE_RULE: AnnounceRule = { minIntervalMs: 2000, confidenceStep: 15 };

export const announcementText = (label: string, percent: number) =>
  `Prediction: ${prettyLabel(label)}, ${percent}% confidence`;

/**
 * The announcement for a result with class probabilities `probs` arriving at `at`, or null when
 * the region should keep what it said last (`last`).
 */
export function nextAnnouncement(
  last: Announcement | null,
  probs: readonly number[],
  labels: readonly string[],
  at: number,
  rule: AnnounceRule = ANNOUNCE_RULE,
): Announcement | null {
  if (probs.length === 0 || probs.length !== labels.length) return null;
  const top = topK(probs, labels, 1)[0];
  if (top === undefined) return null;
  const percent = Math.round(top.prob * 100);
  if (last !== null) {
    if (at - last.at < rule.minIntervalMs) return null;
    if (last.label === top.label && Math.abs(percent - last.percent) < rule.confidenceStep) {
      return null;
    }
  }
  return { label: top.label, percent, at, text: announcementText(top.label, percent) };
}
