import { describe, expect, it } from 'vitest';
import { MetadataError, parseModelMetadata, parseModelMetadataText } from './metadata';
import { tinyInt8Entry, tinyMetadataJson, tinyMetadataWithWeights } from './testFixtures';

type Json = ReturnType<typeof tinyMetadataJson>;

/** Expects parseModelMetadata to throw a MetadataError on `field` whose message matches. */
function expectRejected(json: unknown, field: string, message: RegExp) {
  let caught: unknown;
  try {
    parseModelMetadata(json);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(MetadataError);
  const error = caught as MetadataError;
  expect(error.field).toBe(field);
  expect(error.message).toMatch(message);
  expect(error.message).toContain(field);
}

function broken(mutate: (m: Json) => void): Json {
  const m = tinyMetadataJson();
  mutate(m);
  return m;
}

describe('parseModelMetadata', () => {
  it('accepts the fixture and returns it typed', () => {
    const meta = parseModelMetadata(tinyMetadataJson());
    expect(meta.labels).toEqual(['wave', 'clap', 'idle']);
    expect(meta.tokens.per_step).toBe(16);
    expect(meta.video.mean).toHaveLength(3);
  });

  it('accepts text and rejects non-JSON text', () => {
    expect(parseModelMetadataText(JSON.stringify(tinyMetadataJson())).name).toBe('mone-tiny');
    expect(() => parseModelMetadataText('{nope')).toThrow(/model metadata: is not valid JSON/);
  });

  describe('schema errors name the field', () => {
    it.each<[string, (m: Json) => void, string, RegExp]>([
      ['missing field', (m) => delete (m as Partial<Json>).video, 'video', /video: is required/],
      [
        'missing nested',
        (m) => delete (m.video as Partial<Json['video']>).fps,
        'video.fps',
        /is required/,
      ],
      [
        'wrong type',
        (m) => ((m.tokens as { per_step: unknown }).per_step = '16'),
        'tokens.per_step',
        /must be integer/,
      ],
      [
        'bad enum',
        (m) => (m.variant = 'sparse'),
        'variant',
        /must be equal to one of the allowed values/,
      ],
      [
        'bad const',
        (m) => ((m as { schema_version: number }).schema_version = 2),
        'schema_version',
        /must be equal to constant/,
      ],
      [
        'unknown key',
        (m) => ((m as Record<string, unknown>).extra = 1),
        'extra',
        /is not an allowed property/,
      ],
      ['short mean', (m) => m.video.mean.pop(), 'video.mean', /must NOT have fewer than 3 items/],
      ['bad version', (m) => (m.version = 'v1'), 'version', /must match pattern/],
      ['negative std', (m) => (m.video.std[1] = 0), 'video.std[1]', /must be > 0/],
      [
        'bad dtype',
        (m) => (m.outputs.logits.dtype = 'float64'),
        'outputs.logits.dtype',
        /allowed values/,
      ],
      [
        'bad curve point',
        (m) => (m.evaluation.curves.mone[0]!.top1 = 2),
        'evaluation.curves.mone[0].top1',
        /must be <= 1/,
      ],
    ])('%s', (_name, mutate, field, message) => {
      expectRejected(broken(mutate), field, message);
    });

    it('lists further problems after the first', () => {
      const m = broken((j) => {
        j.version = 'x';
        j.name = '';
      });
      expect(() => parseModelMetadata(m)).toThrow(/; also: /);
    });

    it('rejects non-objects', () => {
      expectRejected(null, '', /must be object/);
      expectRejected([], '', /must be object/);
    });
  });

  describe('weight_files', () => {
    type Entry = ReturnType<typeof tinyInt8Entry>;
    /** The fixture with one int8 entry, `mutate`d (a plain object: any field can be broken). */
    const withEntry = (mutate: (w: Entry & Record<string, unknown>) => void) => {
      const entry = tinyInt8Entry();
      mutate(entry);
      return tinyMetadataWithWeights([entry]);
    };

    it('is optional: metadata without it stays valid, and an entry is returned typed', () => {
      expect(parseModelMetadata(tinyMetadataJson()).weight_files).toBeUndefined();
      const meta = parseModelMetadata(tinyMetadataWithWeights());
      expect(meta.weight_files?.[0]?.weights).toBe('int8-dynamic');
      expect(meta.weight_files?.[0]?.evaluation.points).toHaveLength(2);
      expect(parseModelMetadata(tinyMetadataWithWeights([])).weight_files).toEqual([]);
    });

    it.each<[string, (w: Entry & Record<string, unknown>) => void, string, RegExp]>([
      [
        'missing sha256',
        (w) => delete (w as Partial<Entry>).sha256,
        'weight_files[0].sha256',
        /is required/,
      ],
      [
        'not an .onnx',
        (w) => (w.file = 'm.int8.bin'),
        'weight_files[0].file',
        /must match pattern/,
      ],
      [
        'unknown weights',
        (w) => ((w as Record<string, unknown>).weights = 'fp16'),
        'weight_files[0].weights',
        /allowed values: \["int8-dynamic"\]/,
      ],
      [
        'unknown backend',
        (w) => ((w.backends as string[])[0] = 'cpu'),
        'weight_files[0].backends[0]',
        /allowed values/,
      ],
      ['no backend', (w) => (w.backends.length = 0), 'weight_files[0].backends', /fewer than 1/],
      [
        'no points',
        (w) => (w.evaluation.points.length = 0),
        'weight_files[0].evaluation.points',
        /fewer than 1/,
      ],
      [
        'a top-1 above 1',
        (w) => (w.evaluation.points[0]!.top1 = 91),
        'weight_files[0].evaluation.points[0].top1',
        /must be <= 1/,
      ],
      ['unknown key', (w) => (w.fp16 = true), 'weight_files[0].fp16', /is not an allowed property/],
      [
        'model_file itself',
        (w) => (w.file = 'mone-tiny.onnx'),
        'weight_files[0].file',
        /is model_file \(mone-tiny\.onnx\)/,
      ],
      [
        'another export',
        (w) => (w.from_sha256 = 'c'.repeat(64)),
        'weight_files[0].from_sha256',
        /made from another export/,
      ],
    ])('rejects %s, naming the field', (_name, mutate, field, message) => {
      expectRejected(withEntry(mutate), field, message);
    });

    it('rejects a file listed twice', () => {
      const twice = tinyMetadataWithWeights([tinyInt8Entry(), tinyInt8Entry()]);
      expectRejected(twice, 'weight_files[1].file', /mone-tiny\.int8\.onnx is listed twice/);
    });
  });

  describe('cross-field checks', () => {
    it.each<[string, (m: Json) => void, string, RegExp]>([
      [
        'labels vs logits',
        (m) => m.labels.push('jump'),
        'labels',
        /has 4 entries but outputs\.logits\.shape\[1\] is 3/,
      ],
      [
        'widths vs count',
        (m) => m.experts.widths.pop(),
        'experts.widths',
        /has 3 entries but experts\.count is 4/,
      ],
      [
        'last width',
        (m) => (m.experts.widths[3] = 127),
        'experts.widths',
        /last width is 127 but experts\.hidden_dim is 128/,
      ],
      [
        'per_step',
        (m) => (m.tokens.per_step = 15),
        'tokens.per_step',
        /is 15 but grid_height \* grid_width is 16/,
      ],
      [
        'frames',
        (m) => (m.tokens.tubelet_size = 4),
        'tokens.time_steps',
        /time_steps \* tubelet_size is 16 but video\.frames is 8/,
      ],
      [
        'per_token',
        (m) => m.macs.per_token.push(1),
        'macs.per_token',
        /has 5 entries but experts\.count is 4/,
      ],
      [
        'video shape',
        (m) => (m.inputs.video.shape = [1, 8, 3, 64, 64]),
        'inputs.video.shape',
        /is \[1, 8, 3, 64, 64\] but/,
      ],
      [
        'counts shape',
        (m) => (m.inputs.expert_counts.shape = [3]),
        'inputs.expert_counts.shape',
        /\[experts\.count\] gives \[4\]/,
      ],
      [
        'expert_index shape',
        (m) => (m.outputs.expert_index.shape = [16, 4]),
        'outputs.expert_index.shape',
        /gives \[4, 16\]/,
      ],
      [
        'router_probs shape',
        (m) => (m.outputs.router_probs.shape = [4, 16]),
        'outputs.router_probs.shape',
        /gives \[4, 16, 4\]/,
      ],
      [
        'default_ec',
        (m) => (m.budget.default_ec = 0.1),
        'budget.default_ec',
        /0\.1 is outside \[min_ec, max_ec\]/,
      ],
      ['levels', (m) => m.budget.levels.push(1.5), 'budget.levels[4]', /1\.5 is outside/],
      [
        'widths out of order',
        (m) => (m.experts.widths = [16, 64, 32, 128]),
        'experts.widths[2]',
        /32 is not larger than the width before it/,
      ],
      [
        'min_ec below the rule',
        (m) => (m.budget.min_ec = 0.1),
        'budget.min_ec',
        /0\.1 is below 0\.125 \(1\/2\^\(experts\.count-1\)\)/,
      ],
      [
        'max_ec above 1',
        (m) => (m.budget.max_ec = 1.5),
        'budget.max_ec',
        /1\.5 must lie in \[min_ec, 1\]/,
      ],
    ])('%s', (_name, mutate, field, message) => {
      expectRejected(broken(mutate), field, message);
    });
  });
});
