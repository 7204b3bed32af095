/**
 * Where the model's input square sits on the displayed video, as percentages of the video box
 * (the box has the video's aspect ratio, so percentages of it are percentages of the frame).
 * Uses the same centre-crop rule as the frames sent to the model, so the overlay covers exactly
 * the pixels the model sees.
 *
 * Total functions: they run during render, where a source without a picture (an audio-only file,
 * an element not loaded yet) must draw an empty stage, not throw.
 */
import { centerCropRect } from '../model/preprocess';

export interface PercentBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

const FULL_BOX: PercentBox = { left: 0, top: 0, width: 100, height: 100 };
const SQUARE: Size = { width: 1, height: 1 };

const isFrameSize = (width: number, height: number) =>
  Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0;

/** The centre square of a videoWidth x videoHeight frame; the whole box when it has no size. */
export function cropBoxPercent(videoWidth: number, videoHeight: number): PercentBox {
  if (!isFrameSize(videoWidth, videoHeight)) return FULL_BOX;
  const { sx, sy, size } = centerCropRect(videoWidth, videoHeight);
  return {
    left: (100 * sx) / videoWidth,
    top: (100 * sy) / videoHeight,
    width: (100 * size) / videoWidth,
    height: (100 * size) / videoHeight,
  };
}

/** The size the stage lays out: the video's, or a square while there is none (null or 0×0). */
export function stageSize(videoSize: Size | null): Size {
  return videoSize !== null && isFrameSize(videoSize.width, videoSize.height) ? videoSize : SQUARE;
}

/**
 * The heatmap cell a key moves the keyboard cursor to, row-major over rows × cols (arrows stop at
 * the edges; Home/End: first/last cell); null when the key does not move it. `flipped`: the cells
 * are drawn mirrored, so left and right swap to match what the user sees.
 */
export function moveCell(
  cell: number,
  key: string,
  rows: number,
  cols: number,
  flipped = false,
): number | null {
  const row = Math.floor(cell / cols);
  const col = cell % cols;
  const right = flipped ? -1 : 1;
  const at = (r: number, c: number) =>
    Math.min(rows - 1, Math.max(0, r)) * cols + Math.min(cols - 1, Math.max(0, c));
  switch (key) {
    case 'ArrowLeft':
      return at(row, col - right);
    case 'ArrowRight':
      return at(row, col + right);
    case 'ArrowUp':
      return at(row - 1, col);
    case 'ArrowDown':
      return at(row + 1, col);
    case 'Home':
      return 0;
    case 'End':
      return rows * cols - 1;
    default:
      return null;
  }
}
