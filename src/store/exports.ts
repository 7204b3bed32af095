/**
 * What the app lets people keep, as plain data: the session's per-clip log (one entry per
 * classified clip, bounded) and its CSV / JSON, the "Explore budgets" table as CSV, and the file
 * names. No DOM here: src/app/downloads.ts turns these strings into files.
 */
import { topK } from '../model/postprocess';
import type { Backend, RunResult } from '../workers/protocol';
import type { SweepRow } from './selectors';
import type { ClipLog, ClipLogEntry, SweepState } from './types';

/** Clips the log keeps; older ones are dropped (and counted) beyond this. */
export const CLIP_LOG_LIMIT = 10_000;
/** Classes per clip in the log. */
export const LOG_TOP_K = 5;

export const emptyClipLog: ClipLog = { entries: [], dropped: 0 };

/** One log entry for a result (labels: the model's, in probs order). */
export function clipLogEntry(
  result: RunResult,
  info: {
    clip: number;
    time: number;
    model: string;
    backend: Backend | null;
    labels: readonly string[];
  },
): ClipLogEntry {
  const top =
    result.probs.length === info.labels.length
      ? topK(result.probs, info.labels, LOG_TOP_K).map(({ label, prob }) => ({ label, prob }))
      : [];
  return {
    clip: info.clip,
    time: info.time,
    model: info.model,
    backend: info.backend,
    ec: result.ec,
    tokens: result.counts,
    gmacs: result.gmacs,
    modelMs: result.timings.runMs,
    endToEndMs: result.timings.endToEndMs,
    top,
    ...baselineOf(result, info.labels, top[0]?.label),
  };
}

/** The baseline's part of a compared clip's entry (same labels, checked by the worker). */
function baselineOf(
  result: RunResult,
  labels: readonly string[],
  top1: string | undefined,
): Pick<ClipLogEntry, 'baseline'> {
  const b = result.baseline;
  if (b?.ok !== true || b.probs.length !== labels.length) return {};
  const [best] = topK(b.probs, labels, 1);
  if (best === undefined) return {};
  const { label, prob } = best;
  const agrees = label === top1;
  return {
    baseline: { model: b.model, top1: label, prob, gmacs: b.gmacs, modelMs: b.runMs, agrees },
  };
}

/** The log with `entry` appended, the oldest dropped beyond `limit`. */
export function appendToLog(log: ClipLog, entry: ClipLogEntry, limit = CLIP_LOG_LIMIT): ClipLog {
  const over = Math.max(0, log.entries.length + 1 - limit);
  const kept = over === 0 ? log.entries : log.entries.slice(over);
  return { entries: [...kept, entry], dropped: log.dropped + over };
}

/** "Keeps the last 10,000 clips; 12 older ones dropped." or null when nothing was dropped. */
export function truncationNote(log: ClipLog, limit = CLIP_LOG_LIMIT): string | null {
  if (log.dropped === 0) return null;
  const older = log.dropped === 1 ? 'older clip was' : 'older clips were';
  return `The log keeps the last ${limit.toLocaleString('en-US')} clips: ${log.dropped.toLocaleString('en-US')} ${older} dropped.`;
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180) and JSON
// ---------------------------------------------------------------------------------------------
export type CsvValue = string | number | boolean | null | undefined;

/** One field: quoted (quotes doubled) when it holds a comma, a quote, CR or LF. */
export function csvField(value: CsvValue): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Header and rows, fields separated by commas, records ended by CRLF (RFC 4180). */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',') + '\r\n').join('');
}

/**
 * The records of an RFC 4180 text (quoted fields, doubled quotes, line breaks inside quotes):
 * the inverse of toCsv, for reading a download back. Throws on an unterminated record.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') field += text[i++];
      else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      records.push([...record, field]);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  if (quoted || field !== '' || record.length > 0) throw new Error('CSV text ends mid-record');
  return records;
}

/** Expert columns of a log: as many as the widest model in it. */
function expertCount(entries: readonly ClipLogEntry[]): number {
  return entries.reduce((n, e) => Math.max(n, e.tokens.length), 0);
}

/** The baseline's columns, present when the log holds a compared clip (compare mode). */
export const BASELINE_CSV_HEADER: readonly string[] = [
  'baseline_model',
  'baseline_top1_class',
  'baseline_top1_prob',
  'baseline_gmacs',
  'baseline_model_ms',
  'agrees_with_baseline',
];

/** Column names of the clip log's CSV for `experts` experts (and the baseline's, if compared). */
export function clipLogHeader(experts: number, compared = false): string[] {
  const tokens = Array.from({ length: experts }, (_, e) => `tokens_expert_${e + 1}`);
  const top = Array.from({ length: LOG_TOP_K }, (_, k) => [
    `top${k + 1}_class`,
    `top${k + 1}_prob`,
  ]).flat();
  return [
    'clip',
    'time',
    'model',
    'backend',
    'e_c',
    ...tokens,
    'gmacs',
    'model_ms',
    'end_to_end_ms',
    ...top,
    ...(compared ? BASELINE_CSV_HEADER : []),
  ];
}

/** The log as CSV: one record per clip, tokens per expert per time step, the clip's top 5. */
export function clipLogCsv(log: ClipLog): string {
  const experts = expertCount(log.entries);
  const compared = log.entries.some((e) => e.baseline !== undefined);
  const rows = log.entries.map((e) => [
    e.clip,
    new Date(e.time).toISOString(),
    e.model,
    e.backend,
    e.ec,
    ...Array.from({ length: experts }, (_, i) => e.tokens[i]),
    e.gmacs,
    e.modelMs,
    e.endToEndMs,
    ...Array.from({ length: LOG_TOP_K }, (_, k) => [e.top[k]?.label, e.top[k]?.prob]).flat(),
    ...(compared ? baselineFields(e) : []),
  ]);
  return toCsv(clipLogHeader(experts, compared), rows);
}

/** Empty for a clip that was not compared. */
function baselineFields({ baseline: b }: ClipLogEntry): CsvValue[] {
  return b === undefined
    ? ['', '', '', '', '', '']
    : [b.model, b.top1, b.prob, b.gmacs, b.modelMs, b.agrees];
}

/** The log as JSON: what was exported and when, whether older clips were dropped, the clips. */
export function clipLogJson(log: ClipLog, exportedAt: Date, limit = CLIP_LOG_LIMIT): string {
  return JSON.stringify(
    {
      app: 'mone-live',
      exported: exportedAt.toISOString(),
      limit,
      dropped: log.dropped,
      clips: log.entries.map((e) => ({
        clip: e.clip,
        time: new Date(e.time).toISOString(),
        model: e.model,
        backend: e.backend,
        e_c: e.ec,
        tokens_per_expert: e.tokens,
        gmacs: e.gmacs,
        model_ms: e.modelMs,
        end_to_end_ms: e.endToEndMs,
        top5: e.top.map((t) => ({ class: t.label, prob: t.prob })),
        ...(e.baseline === undefined
          ? {}
          : {
              baseline: {
                model: e.baseline.model,
                top1: { class: e.baseline.top1, prob: e.baseline.prob },
                gmacs: e.baseline.gmacs,
                model_ms: e.baseline.modelMs,
                agrees: e.baseline.agrees,
              },
            }),
      })),
    },
    null,
    2,
  );
}

/** Column names of the sweep's CSV. */
export const SWEEP_CSV_HEADER: readonly string[] = [
  'model',
  'e_c',
  'gmacs',
  'median_model_ms',
  'top1_class',
  'top1_prob',
  'agrees_with_full',
];

/** The "Explore budgets" table as CSV (rows as sweepRows gives them, by GMACs). */
export function sweepCsv(rows: readonly SweepRow[], model: string): string {
  return toCsv(
    SWEEP_CSV_HEADER,
    rows.map((r) => [model, r.ec, r.gmacs, r.medianRunMs, r.top1, r.confidence, r.agrees]),
  );
}

// ---------------------------------------------------------------------------------------------
// file names
// ---------------------------------------------------------------------------------------------
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** YYYYMMDD-HHMMSS in local time. */
export function fileTimestamp(date: Date): string {
  const day = `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}`;
  return `${day}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

/** `mone-live_<model>_<YYYYMMDD-HHMMSS>_<what>.<ext>`; the model id is kept file-name safe. */
export function downloadName(model: string, date: Date, what: string, ext: string): string {
  const safe = model.replace(/[^A-Za-z0-9._-]+/g, '-') || 'model';
  return `mone-live_${safe}_${fileTimestamp(date)}_${what}.${ext}`;
}

// ---------------------------------------------------------------------------------------------
// why a download is not offered yet, and the images' sizes
// ---------------------------------------------------------------------------------------------
/** Null when the log can be downloaded, else why not. */
export function clipLogBlocker(log: ClipLog): string | null {
  return log.entries.length === 0 ? 'Nothing to download yet: no clip has been classified.' : null;
}

/** Null when the frame and its routing can be saved, else why not. */
export function frameBlocker(hasResult: boolean, playing: boolean): string | null {
  if (!playing) return 'Nothing to save: no video is playing.';
  if (!hasResult) return 'Nothing to save yet: no clip has been classified.';
  return null;
}

/** Null when the sweep can be downloaded, else why not. */
export function sweepBlocker(status: SweepState['status'], points: number): string | null {
  if (status === 'running') return 'Wait for the sweep to finish.';
  if (points === 0) return 'Nothing to download yet: press “Explore budgets” first.';
  return null;
}

/** The frame PNG: the model input scaled up `scale` times, a legend band below it. */
export const FRAME_PNG_SCALE = 4;
export const FRAME_LEGEND_LINE = 20;
export const FRAME_LEGEND_PAD = 8;

export interface FramePngLayout {
  readonly scale: number;
  readonly width: number;
  /** Height of the (scaled) frame; the legend starts below it. */
  readonly frameHeight: number;
  readonly height: number;
}

/** A heading line and one line per expert under the frame. */
export function framePngLayout(
  video: { readonly width: number; readonly height: number },
  experts: number,
  scale = FRAME_PNG_SCALE,
): FramePngLayout {
  const width = video.width * scale;
  const frameHeight = video.height * scale;
  const legend = 2 * FRAME_LEGEND_PAD + FRAME_LEGEND_LINE * (experts + 1);
  return { scale, width, frameHeight, height: frameHeight + legend };
}

/** The sweep chart's PNG (drawn from the sweep's data, not from the page). */
export const SWEEP_PNG = { width: 960, height: 540 } as const;

/** The smallest 1, 2 or 5 × 10^k at or above x (an axis end); 1 for x ≤ 0. */
export function niceCeil(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x * (1 - 1e-12)) return m * p;
  return 10 * p;
}
