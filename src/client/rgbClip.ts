/**
 * A raw RGB clip (T × H × W × 3 bytes, the layout of the exporter's golden `.u8` files) as one
 * ImageBitmap per frame, with no colour management or premultiplication so the bytes reach the
 * worker unchanged. Used by the e2e harness page and the benchmark page.
 */
export async function rgbClipBitmaps(
  url: string,
  frames: number,
  height: number,
  width: number,
): Promise<ImageBitmap[]> {
  const rgb = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const plane = height * width;
  const bitmaps: ImageBitmap[] = [];
  for (let t = 0; t < frames; t++) {
    const rgba = new Uint8ClampedArray(plane * 4);
    for (let p = 0; p < plane; p++) {
      rgba.set(rgb.subarray((t * plane + p) * 3, (t * plane + p) * 3 + 3), p * 4);
      rgba[p * 4 + 3] = 255;
    }
    bitmaps.push(
      await createImageBitmap(new ImageData(rgba, width, height), {
        premultiplyAlpha: 'none',
        colorSpaceConversion: 'none',
      }),
    );
  }
  return bitmaps;
}
