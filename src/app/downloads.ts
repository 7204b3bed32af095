/**
 * Files people can keep, made in the page: Blob → object URL → a click on an <a download>. No
 * request leaves the page. What goes into each file is src/store/exports.ts (text) and
 * ./snapshots.ts (images).
 */
import { clipLogCsv, clipLogJson, downloadName, sweepCsv } from '../store/exports';
import { heatmapView, sweepRows } from '../store/selectors';
import type { AppState } from '../store/types';
import { canvasPng, drawFrame, drawSweep } from './snapshots';

export type DownloadKind = 'clips-csv' | 'clips-json' | 'frame-png' | 'sweep-csv' | 'sweep-png';

/** Saves `blob` as `name` through a temporary link (the URL is released once the save began). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

const CSV = 'text/csv;charset=utf-8';

/** Makes and saves one file; throws with a reason when there is nothing to save. */
export async function downloadFile(
  kind: DownloadKind,
  state: AppState,
  video: HTMLVideoElement | null,
  modelMirrored: boolean,
  now = new Date(),
): Promise<void> {
  const meta = state.engine.metadata;
  const model = meta?.name ?? state.models.choice?.id ?? 'model';
  const name = (what: string, ext: string) => downloadName(model, now, what, ext);
  const { log, sweep } = state.results;
  switch (kind) {
    case 'clips-csv':
      return saveBlob(new Blob([clipLogCsv(log)], { type: CSV }), name('clips', 'csv'));
    case 'clips-json':
      return saveBlob(
        new Blob([clipLogJson(log, now)], { type: 'application/json' }),
        name('clips', 'json'),
      );
    case 'sweep-csv':
    case 'sweep-png': {
      const rows = sweepRows(sweep.points, meta?.labels ?? []);
      if (rows.length === 0) throw new Error('there is no sweep to save');
      if (kind === 'sweep-csv') {
        return saveBlob(new Blob([sweepCsv(rows, model)], { type: CSV }), name('sweep', 'csv'));
      }
      return saveBlob(await canvasPng(drawSweep(rows, model)), name('sweep', 'png'));
    }
    case 'frame-png': {
      const view =
        meta === null ? null : heatmapView(meta, state.results.latest, state.heatmap.step);
      if (meta === null || view === null || video === null) {
        throw new Error('there is no classified frame to save');
      }
      const canvas = drawFrame({
        video,
        meta,
        view,
        opacity: state.heatmap.opacity,
        mirrored: modelMirrored,
      });
      return saveBlob(await canvasPng(canvas), name('frame', 'png'));
    }
  }
}
