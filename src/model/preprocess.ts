/**
 * Frame -> model input. Mirrors the Python preprocessing (training side) exactly:
 *   1. take the largest centred square of the source frame,
 *   2. resize it to width x height (done by the worker with drawImage on an OffscreenCanvas),
 *   3. value = (byte * pixel_scale - mean[c]) / std[c] per RGB channel,
 *   4. layout [1, T, 3, H, W] (NTCHW): channel planes, rows top to bottom.
 * Alpha is ignored (camera and video frames are opaque).
 */
import type { ModelMetadata, VideoSpec } from './metadata';

export type PreprocessMeta = Pick<ModelMetadata, 'video'>;

export interface CropRect {
  /** Left edge in source pixels. */
  readonly sx: number;
  /** Top edge in source pixels. */
  readonly sy: number;
  /** Side of the square in source pixels. */
  readonly size: number;
}

/**
 * The largest centred square of a srcW x srcH frame. Offsets are floored like Python's
 * `(w - size) // 2`: with an odd margin the extra pixel is left on the right/bottom.
 */
export function centerCropRect(srcW: number, srcH: number): CropRect {
  if (!(Number.isInteger(srcW) && Number.isInteger(srcH) && srcW > 0 && srcH > 0)) {
    throw new RangeError(`frame size must be positive integers, got ${srcW}x${srcH}`);
  }
  const size = Math.min(srcW, srcH);
  return { sx: Math.floor((srcW - size) / 2), sy: Math.floor((srcH - size) / 2), size };
}

/** [1, T, 3, H, W] for the video input tensor. */
export function clipShape(meta: PreprocessMeta): [1, number, 3, number, number] {
  const { frames, height, width } = meta.video;
  return [1, frames, 3, height, width];
}

/** A zeroed buffer for one clip, sized for clipShape(meta). */
export function createClip(meta: PreprocessMeta): Float32Array {
  const { frames, height, width } = meta.video;
  return new Float32Array(frames * 3 * height * width);
}

/**
 * Per-channel lookup table byte -> normalised value: 768 entries instead of a multiply-add per
 * value, and each entry uses the literal contract formula (float64, rounded to float32 on
 * store) rather than a refactored scale/bias that would differ from Python in the last bits.
 */
function normalisationTable(video: VideoSpec): Float32Array {
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    for (let byte = 0; byte < 256; byte++) {
      table[c * 256 + byte] = (byte * video.pixel_scale - video.mean[c]!) / video.std[c]!;
    }
  }
  return table;
}

// The worker writes T frames per clip with the same metadata: build each table once.
const tables = new WeakMap<VideoSpec, Float32Array>();

/**
 * Writes one RGBA frame (already cropped and resized to width x height) into `clip` at frame
 * index t, normalised, channel-planar.
 */
export function writeFrame(
  clip: Float32Array,
  t: number,
  rgba: Uint8ClampedArray,
  meta: PreprocessMeta,
): void {
  const { video } = meta;
  const { frames, height: H, width: W } = video;
  const plane = H * W;
  if (!(Number.isInteger(t) && t >= 0 && t < frames)) {
    throw new RangeError(`frame index must be an integer in [0, ${frames}), got ${t}`);
  }
  if (clip.length !== frames * 3 * plane) {
    throw new RangeError(
      `clip buffer has ${clip.length} values, expected ${frames * 3 * plane} (1x${frames}x3x${H}x${W})`,
    );
  }
  if (rgba.length !== plane * 4) {
    throw new RangeError(`frame has ${rgba.length} bytes, expected ${plane * 4} (${W}x${H} RGBA)`);
  }
  let table = tables.get(video);
  if (table === undefined) {
    table = normalisationTable(video);
    tables.set(video, table);
  }
  const base = t * 3 * plane;
  for (let p = 0; p < plane; p++) {
    const src = p * 4;
    clip[base + p] = table[rgba[src]!]!;
    clip[base + plane + p] = table[256 + rgba[src + 1]!]!;
    clip[base + 2 * plane + p] = table[512 + rgba[src + 2]!]!;
  }
}
