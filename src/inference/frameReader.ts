/**
 * ImageBitmap → RGBA bytes at the model's input size, on an OffscreenCanvas.
 *
 * The UI already sends frames centre-cropped and resized (createImageBitmap with resize options),
 * so this is normally a 1:1 copy. A frame of another size is centre-cropped and scaled here with
 * the same rule (src/model/preprocess.ts) rather than rejected. `mirrored` flips it left-right on
 * the way (camera frames for a model trained on mirrored views).
 */
import { centerCropRect } from '../model/preprocess';

export class FrameReader {
  private readonly ctx: OffscreenCanvasRenderingContext2D;
  readonly width: number;
  readonly height: number;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    // willReadFrequently keeps the canvas in CPU memory: one getImageData per frame.
    const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (ctx === null) throw new Error('OffscreenCanvas 2D context is not available');
    this.ctx = ctx;
  }

  /** RGBA bytes, width * height * 4. Does not close the bitmap. */
  read(bitmap: ImageBitmap, mirrored = false): Uint8ClampedArray {
    const { width: W, height: H } = this;
    // x → W - x: the crop is centred, so mirroring the crop is the crop of the mirrored frame.
    this.ctx.setTransform(mirrored ? -1 : 1, 0, 0, 1, mirrored ? W : 0, 0);
    if (bitmap.width === W && bitmap.height === H) {
      this.ctx.drawImage(bitmap, 0, 0);
    } else {
      const { sx, sy, size } = centerCropRect(bitmap.width, bitmap.height);
      this.ctx.drawImage(bitmap, sx, sy, size, size, 0, 0, W, H);
    }
    return this.ctx.getImageData(0, 0, W, H).data;
  }
}
