/**
 * Images people can keep, drawn onto a canvas from the store's data (never screenshots of the
 * page): the frame the model sees with its routing heatmap and legend, and the "Explore budgets"
 * chart. Sizes come from src/store/exports.ts, so tests know what to expect.
 */
import type { ModelMetadata } from '../model/metadata';
import { centerCropRect } from '../model/preprocess';
import { cellOfToken } from '../model/routing';
import {
  FRAME_LEGEND_LINE,
  FRAME_LEGEND_PAD,
  framePngLayout,
  niceCeil,
  SWEEP_PNG,
} from '../store/exports';
import { expertColour, formatGmacs, type HeatmapView, type SweepRow } from '../store/selectors';

const FONT = '12px system-ui, sans-serif';
const TEXT = '#1d1d1f';
const MUTED = '#5f6368';

function canvasOf(width: number, height: number): [HTMLCanvasElement, CanvasRenderingContext2D] {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('this browser cannot draw on a canvas');
  return [canvas, ctx];
}

export function canvasPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) =>
        blob === null ? reject(new Error('the image could not be encoded')) : resolve(blob),
      'image/png',
    ),
  );
}

export interface FrameSnapshot {
  readonly video: HTMLVideoElement;
  readonly meta: Pick<ModelMetadata, 'name' | 'video' | 'experts'>;
  readonly view: HeatmapView;
  readonly opacity: number;
  /** The model gets this source mirrored (camera_mirrored): draw the frame the way it sees it. */
  readonly mirrored: boolean;
}

/**
 * The video's centre square at the model's input size (as the controller captures it), scaled
 * up without smoothing so each model pixel stays visible, the routing cells over it at the
 * heatmap's opacity, and below: the model, e_c, time step and one line per expert.
 */
export function drawFrame({ video, meta, view, opacity, mirrored }: FrameSnapshot) {
  const { width: W, height: H } = meta.video;
  const widths = meta.experts.widths;
  const layout = framePngLayout(meta.video, widths.length);
  if (video.videoWidth === 0 || video.videoHeight === 0) throw new Error('the video has no frame');

  const [input, small] = canvasOf(W, H);
  const { sx, sy, size } = centerCropRect(video.videoWidth, video.videoHeight);
  small.imageSmoothingQuality = 'high';
  if (mirrored) small.setTransform(-1, 0, 0, 1, W, 0);
  small.drawImage(video, sx, sy, size, size, 0, 0, W, H);

  const [canvas, ctx] = canvasOf(layout.width, layout.height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, layout.width, layout.height);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(input, 0, 0, layout.width, layout.frameHeight);

  const cw = layout.width / view.cols;
  const ch = layout.frameHeight / view.rows;
  ctx.globalAlpha = opacity;
  view.cells.forEach((cell, i) => {
    const { row, col } = cellOfToken(i, view.cols);
    ctx.fillStyle = expertColour(cell.expert, widths.length);
    ctx.fillRect(col * cw, row * ch, cw, ch);
  });
  ctx.globalAlpha = 1;

  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  const line = (k: number) => layout.frameHeight + FRAME_LEGEND_PAD + (k + 0.5) * FRAME_LEGEND_LINE;
  ctx.fillStyle = TEXT;
  ctx.fillText(
    `${meta.name} · e_c ${view.ec.toFixed(2)} · step ${view.t + 1}`,
    FRAME_LEGEND_PAD,
    line(0),
  );
  widths.forEach((w, e) => {
    const y = line(e + 1);
    ctx.fillStyle = expertColour(e, widths.length);
    ctx.fillRect(FRAME_LEGEND_PAD, y - 6, 12, 12);
    ctx.strokeStyle = 'rgb(0 0 0 / 0.3)';
    ctx.strokeRect(FRAME_LEGEND_PAD + 0.5, y - 5.5, 11, 11);
    ctx.fillStyle = TEXT;
    const full = e === widths.length - 1 ? ' (full)' : '';
    ctx.fillText(
      `Expert ${e + 1}: ${w}-d${full} — ${view.counts[e] ?? 0} tokens`,
      FRAME_LEGEND_PAD + 18,
      y,
    );
  });
  return canvas;
}

/**
 * The sweep chart redrawn from its rows: median model run (ms, left axis) and top-1 confidence
 * (right axis, 0–1) against GMACs; a filled dot where the top-1 agrees with the full budget, a
 * hollow red one where it differs.
 */
export function drawSweep(rows: readonly SweepRow[], model: string) {
  const { width, height } = SWEEP_PNG;
  const [canvas, ctx] = canvasOf(width, height);
  const box = { left: 80, right: width - 80, top: 70, bottom: height - 70 };
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);

  const gmacs = rows.map((r) => r.gmacs);
  let [x0, x1] = [Math.min(...gmacs), Math.max(...gmacs)];
  if (x1 - x0 < 1e-9) [x0, x1] = [x0 - 0.01, x1 + 0.01];
  const pad = (x1 - x0) * 0.05;
  [x0, x1] = [x0 - pad, x1 + pad];
  const msMax = niceCeil(Math.max(...rows.map((r) => r.medianRunMs)));
  const x = (g: number) => box.left + ((g - x0) / (x1 - x0)) * (box.right - box.left);
  const yMs = (ms: number) => box.bottom - (ms / msMax) * (box.bottom - box.top);
  const yP = (p: number) => box.bottom - p * (box.bottom - box.top);

  ctx.font = FONT;
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#ddd';
  ctx.fillStyle = MUTED;
  const TICKS = 5;
  for (let k = 0; k <= TICKS; k++) {
    const f = k / TICKS;
    const y = yP(f);
    ctx.beginPath();
    ctx.moveTo(box.left, y);
    ctx.lineTo(box.right, y);
    ctx.stroke();
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    ctx.fillText(String(Math.round(msMax * f * 100) / 100), box.left - 8, y);
    ctx.textAlign = 'left';
    ctx.fillText(f.toFixed(1), box.right + 8, y);
    const g = x0 + f * (x1 - x0);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(formatGmacs(g), x(g), box.bottom + 8);
  }
  ctx.strokeStyle = '#888';
  ctx.strokeRect(box.left, box.top, box.right - box.left, box.bottom - box.top);

  ctx.fillStyle = TEXT;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText('GMACs per clip', (box.left + box.right) / 2, box.bottom + 30);
  ctx.font = `bold 15px system-ui, sans-serif`;
  ctx.textAlign = 'left';
  ctx.fillText(`Explore budgets — ${model}, one clip at every budget level`, box.left, 16);
  ctx.font = FONT;
  ctx.textBaseline = 'bottom';
  ctx.fillStyle = '#31688e';
  ctx.fillText('— median model run (ms, left axis)', box.left, box.top - 10);
  ctx.fillStyle = '#2a8f5e';
  ctx.textAlign = 'right';
  ctx.fillText(
    'top-1 confidence (right axis; ● agrees with the full budget, ○ differs) —',
    box.right,
    box.top - 10,
  );

  const polyline = (ys: number[], colour: string) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.beginPath();
    rows.forEach((r, i) =>
      i === 0 ? ctx.moveTo(x(r.gmacs), ys[i]!) : ctx.lineTo(x(r.gmacs), ys[i]!),
    );
    ctx.stroke();
  };
  polyline(
    rows.map((r) => yMs(r.medianRunMs)),
    '#31688e',
  );
  polyline(
    rows.map((r) => yP(r.confidence)),
    '#35b779',
  );
  for (const r of rows) {
    ctx.beginPath();
    ctx.arc(x(r.gmacs), yMs(r.medianRunMs), 3, 0, 2 * Math.PI);
    ctx.fillStyle = '#31688e';
    ctx.fill();
    ctx.beginPath();
    ctx.arc(x(r.gmacs), yP(r.confidence), r.agrees ? 4 : 5, 0, 2 * Math.PI);
    if (r.agrees) {
      ctx.fillStyle = '#35b779';
      ctx.fill();
    } else {
      ctx.fillStyle = '#fff';
      ctx.fill();
      ctx.strokeStyle = '#d7191c';
      ctx.stroke();
    }
  }
  return canvas;
}
