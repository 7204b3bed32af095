import { describe, expect, it } from 'vitest';
import { countsFor } from './budgetMath';
import {
  appendToLog,
  CLIP_LOG_LIMIT,
  clipLogBlocker,
  clipLogCsv,
  clipLogEntry,
  clipLogHeader,
  clipLogJson,
  csvField,
  downloadName,
  emptyClipLog,
  fileTimestamp,
  frameBlocker,
  parseCsv,
  framePngLayout,
  niceCeil,
  sweepBlocker,
  sweepCsv,
  toCsv,
  truncationNote,
} from './exports';
import { createAppStore } from './index';
import { sweepRows } from './selectors';
import { readyEvent, resultFor, shippedMetadata } from './testing';
import type { ClipLog } from './types';

const meta = shippedMetadata();

function storeWithClips(n: number) {
  const store = createAppStore();
  store.getState().initRequested('wasm');
  store.getState().engineReady(readyEvent(meta));
  for (let i = 0; i < n; i++) {
    const ec = i % 2 === 0 ? 0.5 : 0.3;
    store.getState().clipScored(resultFor(meta, ec), 1000 + i, Date.UTC(2025, 0, 2, 3, 4, 5 + i));
  }
  return store;
}

describe('CSV fields (RFC 4180)', () => {
  it('quotes only what needs it and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField(0.25)).toBe('0.25');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(true)).toBe('true');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
  });

  it('reads back only complete records', () => {
    expect(() => parseCsv('a,b')).toThrow(/mid-record/);
    expect(() => parseCsv('"a\r\n')).toThrow(/mid-record/);
    expect(parseCsv('')).toEqual([]);
  });

  it('ends every record with CRLF and round-trips awkward values', () => {
    const csv = toCsv(
      ['a', 'b'],
      [
        ['x,y', 'q"q'],
        ['line\r\nbreak', 1],
      ],
    );
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')[0]).toBe('a,b');
    expect(parseCsv(csv)).toEqual([
      ['a', 'b'],
      ['x,y', 'q"q'],
      ['line\r\nbreak', '1'],
    ]);
  });
});

describe('the clip log', () => {
  it('gets one entry per classified clip, with the budget, cost, latency and top 5', () => {
    const store = storeWithClips(3);
    const { log, runs } = store.getState().results;
    expect(log.entries).toHaveLength(3);
    expect(log.entries.map((e) => e.clip)).toEqual([1, 2, 3]);
    expect(runs).toBe(3);
    const first = log.entries[0]!;
    expect(first).toMatchObject({
      model: 'mone-vivit-s',
      backend: 'wasm',
      ec: 0.5,
      tokens: countsFor(meta, 0.5),
      gmacs: 0.1,
      modelMs: 10,
      endToEndMs: 30,
      time: Date.UTC(2025, 0, 2, 3, 4, 5),
    });
    expect(first.top).toHaveLength(5);
    expect(first.top[0]).toEqual({ label: meta.labels[1], prob: 0.91 });
    expect(log.entries[1]!.tokens).toEqual(countsFor(meta, 0.3));
  });

  it('outlives a source change and a model switch', () => {
    const store = storeWithClips(2);
    store.getState().resultsCleared();
    store.getState().modelChosen({ id: 'mone-vivit-s', by: 'default' });
    store.getState().modelChosen({ id: 'vivit-dense-s', by: 'user' });
    expect(store.getState().results.history).toEqual([]);
    expect(store.getState().results.log.entries).toHaveLength(2);
  });

  it('keeps the last `limit` clips and counts the dropped ones', () => {
    const result = resultFor(meta, 0.5);
    let log: ClipLog = emptyClipLog;
    for (let clip = 1; clip <= 7; clip++) {
      const entry = clipLogEntry(result, {
        clip,
        time: 0,
        model: 'm',
        backend: null,
        labels: meta.labels,
      });
      log = appendToLog(log, entry, 5);
    }
    expect(log.entries.map((e) => e.clip)).toEqual([3, 4, 5, 6, 7]);
    expect(log.dropped).toBe(2);
    expect(truncationNote(log, 5)).toBe(
      'The log keeps the last 5 clips: 2 older clips were dropped.',
    );
    expect(truncationNote(emptyClipLog)).toBeNull();
    expect(CLIP_LOG_LIMIT).toBe(10_000);
  });

  it('writes CSV: a header of the columns, one record per clip', () => {
    const { log } = storeWithClips(4).getState().results;
    const rows = parseCsv(clipLogCsv(log));
    expect(rows[0]).toEqual(clipLogHeader(4));
    expect(rows[0]).toEqual([
      'clip',
      'time',
      'model',
      'backend',
      'e_c',
      'tokens_expert_1',
      'tokens_expert_2',
      'tokens_expert_3',
      'tokens_expert_4',
      'gmacs',
      'model_ms',
      'end_to_end_ms',
      'top1_class',
      'top1_prob',
      'top2_class',
      'top2_prob',
      'top3_class',
      'top3_prob',
      'top4_class',
      'top4_prob',
      'top5_class',
      'top5_prob',
    ]);
    expect(rows).toHaveLength(5);
    const second = rows[2]!;
    expect(second.slice(0, 5)).toEqual([
      '2',
      '2025-01-02T03:04:06.000Z',
      'mone-vivit-s',
      'wasm',
      '0.3',
    ]);
    expect(second.slice(5, 9).map(Number)).toEqual(countsFor(meta, 0.3));
    expect(second.slice(9, 12).map(Number)).toEqual([0.1, 10, 30]);
    expect(second[12]).toBe(meta.labels[1]);
    expect(Number(second[13])).toBe(0.91);
  });

  it('writes JSON with the same clips and whether any were dropped', () => {
    const { log } = storeWithClips(2).getState().results;
    const json = JSON.parse(clipLogJson(log, new Date(Date.UTC(2025, 5, 1)))) as {
      exported: string;
      dropped: number;
      limit: number;
      clips: Record<string, unknown>[];
    };
    expect(json).toMatchObject({ exported: '2025-06-01T00:00:00.000Z', dropped: 0, limit: 10_000 });
    expect(json.clips).toHaveLength(2);
    expect(json.clips[0]).toMatchObject({
      clip: 1,
      time: '2025-01-02T03:04:05.000Z',
      model: 'mone-vivit-s',
      backend: 'wasm',
      e_c: 0.5,
      tokens_per_expert: countsFor(meta, 0.5),
      gmacs: 0.1,
      model_ms: 10,
      end_to_end_ms: 30,
    });
    expect(json.clips[0]!.top5).toHaveLength(5);
    expect((json.clips[0]!.top5 as { class: string }[])[0]!.class).toBe(meta.labels[1]);
  });

  it('a compared clip adds the baseline’s columns; clips before it leave them empty', () => {
    const entry = (clip: number, baseline: boolean) =>
      clipLogEntry(
        {
          ...resultFor(meta, 0.5),
          ...(baseline
            ? {
                baseline: {
                  ok: true as const,
                  model: 'vivit-dense-s',
                  probs: meta.labels.map((_, i) => (i === 2 ? 0.8 : 0.2 / 9)),
                  gmacs: 0.2316,
                  runMs: 14,
                },
              }
            : {}),
        },
        { clip, time: 0, model: 'mone-vivit-s', backend: 'wasm', labels: meta.labels },
      );
    const log = appendToLog(appendToLog(emptyClipLog, entry(1, false)), entry(2, true));
    const rows = parseCsv(clipLogCsv(log));
    expect(rows[0]).toEqual(clipLogHeader(4, true));
    expect(rows[0]!.slice(-6)).toEqual([
      'baseline_model',
      'baseline_top1_class',
      'baseline_top1_prob',
      'baseline_gmacs',
      'baseline_model_ms',
      'agrees_with_baseline',
    ]);
    expect(rows[1]!.slice(-6)).toEqual(['', '', '', '', '', '']);
    expect(rows[2]!.slice(-6)).toEqual([
      'vivit-dense-s',
      meta.labels[2],
      '0.8',
      '0.2316',
      '14',
      'false',
    ]);
    const json = JSON.parse(clipLogJson(log, new Date(0))) as { clips: Record<string, unknown>[] };
    expect(json.clips[0]).not.toHaveProperty('baseline');
    expect(json.clips[1]!.baseline).toEqual({
      model: 'vivit-dense-s',
      top1: { class: meta.labels[2], prob: 0.8 },
      gmacs: 0.2316,
      model_ms: 14,
      agrees: false,
    });
    // Without compared clips the CSV is as before.
    expect(parseCsv(clipLogCsv(appendToLog(emptyClipLog, entry(1, false))))[0]).toEqual(
      clipLogHeader(4),
    );
  });

  it('an empty log is a header only', () => {
    expect(parseCsv(clipLogCsv(emptyClipLog))).toEqual([clipLogHeader(0)]);
  });
});

describe('the sweep as CSV', () => {
  it('one record per budget level, sorted by GMACs', () => {
    const points = [1, 0.5, 0.25].map((ec, i) => ({
      ec,
      counts: countsFor(meta, ec),
      gmacs: ec / 4,
      medianRunMs: 10 + i,
      probs: meta.labels.map((_, k) => (k === (ec === 0.25 ? 2 : 1) ? 0.8 : 0.02)),
    }));
    const rows = parseCsv(sweepCsv(sweepRows(points, meta.labels), 'mone-vivit-s'));
    expect(rows[0]!.join(',')).toBe(
      'model,e_c,gmacs,median_model_ms,top1_class,top1_prob,agrees_with_full',
    );
    expect(rows.slice(1).map((r) => r[1])).toEqual(['0.25', '0.5', '1']);
    expect(rows[1]).toEqual([
      'mone-vivit-s',
      '0.25',
      '0.0625',
      '12',
      meta.labels[2],
      '0.8',
      'false',
    ]);
    expect(rows[3]![6]).toBe('true');
  });
});

describe('file names', () => {
  it('carry the model id and the local time', () => {
    const at = new Date(2025, 0, 2, 3, 4, 5);
    expect(fileTimestamp(at)).toBe('20250102-030405');
    expect(downloadName('mone-vivit-s', at, 'clips', 'csv')).toBe(
      'mone-live_mone-vivit-s_20250102-030405_clips.csv',
    );
    expect(downloadName('a b/c', at, 'sweep', 'png')).toBe(
      'mone-live_a-b-c_20250102-030405_sweep.png',
    );
  });
});

describe('what the buttons say and the images measure', () => {
  it('says why there is nothing to download', () => {
    expect(clipLogBlocker(emptyClipLog)).toMatch(/no clip has been classified/);
    expect(clipLogBlocker(storeWithClips(1).getState().results.log)).toBeNull();
    expect(frameBlocker(false, false)).toMatch(/no video is playing/);
    expect(frameBlocker(false, true)).toMatch(/no clip/);
    expect(frameBlocker(true, true)).toBeNull();
    expect(sweepBlocker('idle', 0)).toMatch(/Explore budgets/);
    expect(sweepBlocker('running', 0)).toMatch(/finish/);
    expect(sweepBlocker('done', 11)).toBeNull();
  });

  it('lays the frame out at 4x the model input with a line per expert below', () => {
    expect(framePngLayout({ width: 64, height: 64 }, 4)).toEqual({
      scale: 4,
      width: 256,
      frameHeight: 256,
      height: 256 + 16 + 5 * 20,
    });
  });

  it('rounds axis ends up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 0.7, 1, 1.2, 3, 7, 13, 100, 101].map(niceCeil)).toEqual([
      1, 1, 1, 2, 5, 10, 20, 100, 200,
    ]);
  });
});
