/**
 * The shareable part of the view in the query string:
 * `?model=mone-vivit-s&ec=0.35&sample=moving_left&backend=wasm&weights=fp32`.
 * Read once on load, written back with history.replaceState whenever one of them changes.
 * Parameters this module does not own are kept as they are.
 *
 * Reading a link is strict and never silent: a value that is not a finite number, or not one of
 * the allowed words, is ignored with a sentence naming the parameter and its value; an unknown
 * parameter is listed as ignored. A number outside its range is kept as written (`ec` is checked
 * against the model once its metadata is known, `stall` here) and clamped with a sentence.
 */
import { WEIGHTS_PREFERENCES } from '../model/weights';
import type { BackendPreference, WeightsPreference } from '../workers/protocol';

export interface UrlState {
  /** Effective capacity from the link; validated against the model once its metadata is known. */
  readonly ec: number | null;
  /** Sample clip by class label (e.g. `moving_left`) or file name. */
  readonly sample: string | null;
  readonly backend: BackendPreference;
  /** Model id from the link; checked against the model index once it is known. */
  readonly model: string | null;
  /** 'fp32' forces the fp32 weights (src/model/weights.ts); 'auto' when absent. */
  readonly weights: WeightsPreference;
}

/** What a link says: the shareable state, plus what only a link sets and what was wrong with it. */
export interface LinkState extends UrlState {
  /** `ec` as written (1e-400 reads as 0, but messages quote the link); null without `ec`. */
  readonly ecText: string | null;
  /** `stall`: seconds without data before a model download is given up; null: the default. */
  readonly stallSeconds: number | null;
  /** One sentence per parameter that was ignored or adjusted. */
  readonly problems: readonly string[];
}

/** Every backend preference, the default ('auto') first. */
const BACKENDS: readonly BackendPreference[] = ['auto', 'webgpu', 'wasm'];
/** Range of `stall` in seconds (a shorter one is for tests, a longer one pointless). */
export const STALL_SECONDS = { min: 1, max: 600 } as const;
const KNOWN = ['model', 'ec', 'sample', 'backend', 'weights', 'stall'];

// A plain decimal number (no hex, no 'Infinity', no blanks): 0.35, .5, 1e-3, -2.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const written = (name: string, text: string) => `${name}=${text}`;

/** A finite number, or the sentence saying why `name=text` is ignored. */
function readNumber(name: string, text: string): number | string {
  if (!DECIMAL.test(text)) return `${written(name, text)} is not a number; it was ignored.`;
  const value = Number(text);
  if (!Number.isFinite(value)) {
    return `${written(name, text)} is not a finite number; it was ignored.`;
  }
  return value;
}

/** `name=` as one of `allowed`; absent or not allowed (said in `problems`): the first of them. */
function readWord<T extends string>(
  params: URLSearchParams,
  name: string,
  allowed: readonly T[],
  problems: string[],
): T {
  const text = params.get(name);
  const known = allowed.find((word) => word === text);
  if (known !== undefined) return known;
  if (text !== null) {
    problems.push(`${written(name, text)} is not one of ${allowed.join(', ')}; it was ignored.`);
  }
  return allowed[0]!;
}

export function parseUrlState(search: string): LinkState {
  const params = new URLSearchParams(search);
  const problems: string[] = [];

  let ec: number | null = null;
  const ecText = params.get('ec');
  if (ecText !== null) {
    const read = readNumber('ec', ecText);
    if (typeof read === 'string') problems.push(read);
    else ec = read;
  }

  // The first of each list is the default when the link does not say.
  const backend = readWord(params, 'backend', BACKENDS, problems);
  const weights = readWord(params, 'weights', WEIGHTS_PREFERENCES, problems);

  let sample = params.get('sample');
  if (sample === '') {
    problems.push('sample= names no sample; it was ignored.');
    sample = null;
  }

  // Checked against the model index once it is known (an unknown id is named there).
  let model = params.get('model');
  if (model === '') {
    problems.push('model= names no model; it was ignored.');
    model = null;
  }

  let stallSeconds: number | null = null;
  const stallText = params.get('stall');
  if (stallText !== null) {
    const read = readNumber('stall', stallText);
    if (typeof read === 'string') problems.push(read);
    else {
      const { min, max } = STALL_SECONDS;
      stallSeconds = Math.min(max, Math.max(min, read));
      if (stallSeconds !== read) {
        problems.push(
          `${written('stall', stallText)} is outside [${min}, ${max}] seconds; using ${stallSeconds}.`,
        );
      }
    }
  }

  const unknown = [...params].filter(([name]) => !KNOWN.includes(name));
  if (unknown.length > 0) {
    const list = unknown.map(([name, value]) => (value === '' ? name : written(name, value)));
    const s = unknown.length === 1 ? '' : 's';
    problems.push(`Unknown link parameter${s} ignored: ${list.join(', ')}.`);
  }

  return {
    ec,
    ecText: ec === null ? null : ecText,
    sample,
    backend,
    model,
    weights,
    stallSeconds,
    problems,
  };
}

/** `search` with our parameters replaced (absent ones removed); '' when none are left. */
export function serialiseUrlState(state: UrlState, search = ''): string {
  const params = new URLSearchParams(search);
  if (state.ec === null) params.delete('ec');
  else params.set('ec', String(Math.round(state.ec * 1000) / 1000));
  if (state.sample === null) params.delete('sample');
  else params.set('sample', state.sample);
  if (state.backend === 'auto') params.delete('backend');
  else params.set('backend', state.backend);
  if (state.model === null) params.delete('model');
  else params.set('model', state.model);
  if (state.weights === 'auto') params.delete('weights');
  else params.set('weights', state.weights);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
