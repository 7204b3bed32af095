import { describe, expect, it } from 'vitest';
import { compareProblem, type CompareMeta } from './compare';
import { parseModelMetadata } from './metadata';
import { tinyMetadataJson } from './testFixtures';

const mone = parseModelMetadata(tinyMetadataJson());
const dense: CompareMeta = { ...mone, name: 'dense', variant: 'dense' };

describe('compareProblem', () => {
  it('accepts a dense model that reads the same input and has the same labels', () => {
    expect(compareProblem(mone, dense)).toBeNull();
  });

  it('names what stops a comparison', () => {
    expect(compareProblem(mone, { ...mone })).toMatch(/it is the same model/);
    expect(compareProblem(mone, { ...dense, variant: 'mone' })).toMatch(/not a dense model/);
    expect(compareProblem(mone, { ...dense, labels: [...mone.labels].reverse() })).toMatch(
      /its classes differ/,
    );
    expect(compareProblem(mone, { ...dense, labels: mone.labels.slice(1) })).toMatch(
      /classes differ/,
    );
    expect(
      compareProblem(mone, {
        ...dense,
        video: { ...mone.video, fps: 12, width: 2 * mone.video.width },
      }),
    ).toBe(
      `"dense" cannot be compared with "${mone.name}": it reads another input (video fps, width differ)`,
    );
    expect(compareProblem(mone, { ...dense, video: { ...mone.video, std: [1, 1, 1] } })).toMatch(
      /video std differ/,
    );
  });
});
