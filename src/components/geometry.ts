/**
 * Where the model's input square sits on the displayed video, as percentages of the video box
 * (the box has the video's aspect ratio, so percentages of it are percentages of the frame).
 * Uses the same centre-crop rule as the frames sent to the model, so the overlay covers exactly
 * the pixels the model sees.
 */
import { centerCropRect } from '../model/preprocess';

export interface PercentBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export function cropBoxPercent(videoWidth: number, videoHeight: number): PercentBox {
  const { sx, sy, size } = centerCropRect(videoWidth, videoHeight);
  return {
    left: (100 * sx) / videoWidth,
    top: (100 * sy) / videoHeight,
    width: (100 * size) / videoWidth,
    height: (100 * size) / videoHeight,
  };
}
