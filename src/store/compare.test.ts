/**
 * Compare mode's maths and slice: one compared clip (agreement, confidence gap), the running
 * medians and agreement share per model and budget, what the budget saves and costs, when the
 * toggle is offered, and the slice's reaction to results (a failure stops compare and says why).
 */
import { describe, expect, it } from 'vitest';
import shippedIndex from '../../public/models/index.json';
import { gestureMetadataJson } from '../model/gestureFixture';
import { parseModelMetadata } from '../model/metadata';
import { parseModelsIndex } from '../model/modelsIndexParse';
import type { BaselineOutcome, RunResult } from '../workers/protocol';
import {
  appendCompared,
  argmax,
  compareAvailability,
  comparedClip,
  compareSentence,
  compareSummary,
  COMPARE_WINDOW,
  lastCompared,
} from './compare';
import { createAppStore } from './index';
import { readyEvent, resultFor, shippedMetadata } from './testing';
import type { ComparedClip } from './types';

const meta = shippedMetadata();
const index = parseModelsIndex(structuredClone(shippedIndex));

/** A MoNE result at `ec` with the dense model's run on the same clip. */
function compared(
  ec: number,
  mone: { probs: number[]; ms: number; gmacs?: number },
  dense: { probs: number[]; ms: number; gmacs?: number } | BaselineOutcome,
): RunResult {
  const baseline: BaselineOutcome =
    'ok' in dense
      ? dense
      : {
          ok: true,
          model: 'vivit-dense-s',
          probs: dense.probs,
          runMs: dense.ms,
          gmacs: dense.gmacs ?? 0.2316,
        };
  return {
    ...resultFor(meta, ec, { probs: mone.probs, runMs: mone.ms }),
    gmacs: mone.gmacs ?? 0.1298,
    baseline,
  };
}

/** Probabilities over 10 classes: `p` on class `top`, the rest shared evenly. */
const peaked = (top: number, p: number) =>
  Array.from({ length: 10 }, (_, i) => (i === top ? p : (1 - p) / 9));

const clip = (over: Partial<ComparedClip> = {}): ComparedClip => ({
  run: 1,
  model: 'mone-vivit-s',
  baseline: 'vivit-dense-s',
  ec: 0.5,
  mone: { ms: 10, gmacs: 0.13, top: 1 },
  dense: { ms: 14, gmacs: 0.23, top: 1 },
  agree: true,
  gap: 0,
  ...over,
});

describe('comparedClip', () => {
  it('agreement and the gap on MoNE’s class', () => {
    const agree = comparedClip(
      compared(0.5, { probs: peaked(3, 0.8), ms: 9 }, { probs: peaked(3, 0.6), ms: 15 }),
      7,
      'mone-vivit-s',
    );
    expect(agree).toMatchObject({
      run: 7,
      baseline: 'vivit-dense-s',
      ec: 0.5,
      mone: { ms: 9, gmacs: 0.1298, top: 3 },
      dense: { ms: 15, gmacs: 0.2316, top: 3 },
      agree: true,
    });
    expect(agree!.gap).toBeCloseTo(0.2, 12);

    // Both 90% sure of different classes: equal top-1 confidence, but the dense model gives
    // MoNE's class almost nothing; the gap says so.
    const disagree = comparedClip(
      compared(0.5, { probs: peaked(2, 0.9), ms: 9 }, { probs: peaked(5, 0.9), ms: 15 }),
      8,
      'mone-vivit-s',
    );
    expect(disagree).toMatchObject({ agree: false, mone: { top: 2 }, dense: { top: 5 } });
    expect(disagree!.gap).toBeCloseTo(0.9 - 0.1 / 9, 12);
  });

  it('nothing without a successful baseline run', () => {
    const plain = resultFor(meta, 0.5);
    expect(comparedClip(plain, 1, 'm')).toBeNull();
    const failed = compared(
      0.5,
      { probs: peaked(1, 0.5), ms: 1 },
      {
        ok: false,
        metadataUrl: '/models/x.json',
        message: 'no',
      },
    );
    expect(comparedClip(failed, 1, 'm')).toBeNull();
    const short = compared(0.5, { probs: peaked(1, 0.5), ms: 1 }, { probs: [1, 0], ms: 1 });
    expect(comparedClip(short, 1, 'm')).toBeNull();
  });

  it('argmax takes the first of ties and -1 for no classes', () => {
    expect(argmax([0.2, 0.5, 0.5])).toBe(1);
    expect(argmax([])).toBe(-1);
  });
});

describe('compareSummary', () => {
  it('medians, agreement share and what the budget saves, at one budget of one model', () => {
    const clips = [
      clip({ mone: { ms: 10, gmacs: 0.13, top: 1 }, dense: { ms: 20, gmacs: 0.23, top: 1 } }),
      clip({ mone: { ms: 30, gmacs: 0.13, top: 1 }, dense: { ms: 16, gmacs: 0.23, top: 2 } }),
      clip({ mone: { ms: 12, gmacs: 0.13, top: 4 }, dense: { ms: 18, gmacs: 0.23, top: 4 } }),
      // Another budget and another model: not part of this summary.
      clip({ ec: 0.3, mone: { ms: 1, gmacs: 0.09, top: 0 } }),
      clip({ model: 'mone-gesture', mone: { ms: 99, gmacs: 9, top: 0 } }),
    ].map((c, i) => ({ ...c, agree: c.mone.top === c.dense.top, gap: [0.1, 0.5, -0.2][i] ?? 0 }));
    const s = compareSummary(clips, 'mone-vivit-s', 0.5)!;
    expect(s).toMatchObject({
      clips: 3,
      ec: 0.5,
      moneMs: 12,
      denseMs: 18,
      moneGmacs: 0.13,
      denseGmacs: 0.23,
      agreements: 2,
      gap: 0.1,
      msSaved: 6,
    });
    expect(s.agreement).toBeCloseTo(2 / 3, 12);
    expect(s.gmacsSaved).toBeCloseTo(0.1, 12);
    expect(s.gmacsSavedShare).toBeCloseTo(0.1 / 0.23, 12);
    expect(compareSentence(s)).toBe(
      'At e_c = 0.50 (medians of 3 clips) the budget saves 0.100 GMACs (43%) and 6.0 ms per clip; ' +
        'it costs 1 disagreement with the dense model (33%).',
    );
    expect(compareSummary(clips, 'mone-vivit-s', 0.7)).toBeNull();
  });

  it('says so when MoNE is slower or no cheaper', () => {
    const s = compareSummary(
      [clip({ mone: { ms: 15, gmacs: 0.2316, top: 1 }, dense: { ms: 14, gmacs: 0.2316, top: 1 } })],
      'mone-vivit-s',
      0.5,
    )!;
    expect(s.msSaved).toBeCloseTo(-1, 12);
    expect(compareSentence(s)).toBe(
      'At e_c = 0.50 (1 clip) the budget saves 0.000 GMACs (0%) but takes 1.0 ms longer per clip; ' +
        'it costs 0 disagreements with the dense model (0%).',
    );
  });

  it('the last clip is the latest of the model asked for', () => {
    const clips = [clip({ run: 1 }), clip({ run: 2 }), clip({ run: 3, model: 'other' })];
    expect(lastCompared(clips, 'mone-vivit-s')?.run).toBe(2);
    expect(lastCompared(clips, 'none')).toBeNull();
  });

  it(`keeps the last ${COMPARE_WINDOW} clips`, () => {
    let clips: ComparedClip[] = [];
    for (let run = 1; run <= COMPARE_WINDOW + 5; run++)
      clips = appendCompared(clips, clip({ run }));
    expect(clips).toHaveLength(COMPARE_WINDOW);
    expect(clips[0]!.run).toBe(6);
    expect(clips.at(-1)!.run).toBe(COMPARE_WINDOW + 5);
  });
});

describe('compareAvailability', () => {
  const models = (id: string) => ({
    index,
    choice: { id, by: 'user' as const },
    own: [],
    keepOwn: false,
  });

  it('offers the baseline of a MoNE model', () => {
    const a = compareAvailability(models('mone-vivit-s'));
    expect(a.baseline?.id).toBe('vivit-dense-s');
    expect(a.reason).toBe('Runs Dense ViViT-S (baseline) on the same clips beside MoNE ViViT-S.');
  });

  it('is off, with the reason, for a dense model, a MoNE model without a baseline, or none', () => {
    expect(compareAvailability(models('vivit-dense-s'))).toEqual({
      baseline: null,
      reason:
        'Dense ViViT-S (baseline) is itself a dense model: choose a MoNE model to compare it with its baseline.',
    });
    const lone = parseModelsIndex({
      ...structuredClone(shippedIndex),
      models: [{ ...structuredClone(shippedIndex.models[0]!), baseline: undefined }],
    });
    expect(
      compareAvailability({
        index: lone,
        choice: { id: 'mone-vivit-s', by: 'user' },
        own: [],
        keepOwn: false,
      }),
    ).toEqual({
      baseline: null,
      reason: 'MoNE ViViT-S names no dense baseline in the model index.',
    });
    expect(
      compareAvailability({ index: null, choice: null, own: [], keepOwn: false }).baseline,
    ).toBeNull();
    expect(compareAvailability(models('own:abc')).reason).toMatch(/Your own model has no baseline/);
  });
});

describe('the compare slice', () => {
  function ready() {
    const store = createAppStore();
    store.getState().modelsIndexed(index);
    store.getState().modelChosen({ id: 'mone-vivit-s', by: 'default' });
    store.getState().engineReady(readyEvent(meta));
    return store;
  }
  const score = (store: ReturnType<typeof ready>, result: RunResult) => {
    store.getState().clipScored(result, performance.now());
    store.getState().clipCompared(result);
  };

  it('records compared clips only while on, numbered like the clip log', () => {
    const store = ready();
    const r = compared(0.5, { probs: peaked(1, 0.7), ms: 9 }, { probs: peaked(1, 0.6), ms: 14 });
    score(store, r); // off: nothing
    expect(store.getState().compare.clips).toEqual([]);
    store.getState().compareToggled(true);
    score(store, r);
    score(store, r);
    expect(store.getState().compare.clips.map((c) => c.run)).toEqual([2, 3]);
    expect(store.getState().results.log.entries.at(-1)?.baseline).toMatchObject({
      model: 'vivit-dense-s',
      top1: meta.labels[1],
      agrees: true,
    });
    store.getState().compareToggled(false);
    expect(store.getState().compare.clips).toHaveLength(2); // the record stays
  });

  it('the baseline’s progress shows beside the toggle; a failure turns compare off and says why', () => {
    const store = ready();
    store.getState().compareToggled(true);
    store.getState().baselineLoadProgressed({
      type: 'loadProgress',
      purpose: 'baseline',
      file: 'vivit-dense-s.onnx',
      loadedBytes: 1024,
      totalBytes: 2048,
      fromCache: true,
    });
    expect(store.getState().compare.loading).toBe(
      'Loading the baseline from cache… 1.0 KB of 2.0 KB',
    );
    expect(store.getState().compare.download).toEqual({
      file: 'vivit-dense-s.onnx',
      loadedBytes: 1024,
      totalBytes: 2048,
      fromCache: true,
    });
    expect(store.getState().engine.phase).toBe('ready'); // the running model keeps running
    expect(store.getState().engine.load).toBeNull(); // and its own load state is untouched
    const message = 'The baseline could not be loaded: HTTP 404';
    score(
      store,
      compared(
        0.5,
        { probs: peaked(1, 0.7), ms: 9 },
        {
          ok: false,
          metadataUrl: '/models/vivit-dense-s.json',
          message,
        },
      ),
    );
    expect(store.getState().compare).toMatchObject({
      enabled: false,
      loading: null,
      download: null,
      error: message,
    });
    expect(store.getState().errors.at(-1)).toMatchObject({ title: 'Compare stopped', message });
    expect(store.getState().results.runs).toBe(1); // MoNE's own result still counts
    store.getState().compareToggled(true);
    expect(store.getState().compare.error).toBeNull();
  });

  it('works for any number of classes (a 27-class model)', () => {
    const gesture = parseModelMetadata(gestureMetadataJson());
    const probs = gesture.labels.map((_, i) => (i === 20 ? 0.6 : 0.4 / 26));
    const r: RunResult = {
      ...resultFor(gesture, 0.5, { probs }),
      baseline: { ok: true, model: 'dense-g', probs: [...probs].reverse(), runMs: 3, gmacs: 2 },
    };
    expect(comparedClip(r, 1, gesture.name)).toMatchObject({
      agree: false,
      mone: { top: 20 },
      dense: { top: 6 },
    });
  });
});
