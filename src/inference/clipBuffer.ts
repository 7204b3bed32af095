/**
 * Frames in, clips out: each arriving ImageBitmap is read to RGBA at once (and closed), kept in a
 * ring of the newest T frames, and written into the model's input buffer only when a run takes
 * the clip. Counts frames received and frames that never reached the model.
 */
import { toLocalTime } from '../model/latencyStats';
import type { ModelMetadata } from '../model/metadata';
import { writeFrame } from '../model/preprocess';
import { FrameRing } from '../model/ringBuffer';
import { FrameReader } from './frameReader';
import type { FrameMessage } from '../workers/protocol';

interface StoredFrame {
  readonly rgba: Uint8ClampedArray;
  /** Media time (s). */
  readonly time: number;
  /** Capture instant on this worker's performance.now() clock. */
  readonly capturedAt: number;
  /** OffscreenCanvas draw + getImageData, counted into the clip's preprocess time. */
  readonly readMs: number;
}

export interface TakenClip {
  /** The newest frame's media time and capture instant (worker clock). */
  readonly time: number;
  readonly capturedAt: number;
  /** Reading the clip's frames plus normalising them into the input buffer. */
  readonly preprocessMs: number;
}

export class ClipBuffer {
  private meta: ModelMetadata;
  private ring: FrameRing<StoredFrame>;
  private reader: FrameReader;
  framesReceived = 0;
  framesDropped = 0;

  constructor(meta: ModelMetadata) {
    this.meta = meta;
    this.ring = new FrameRing(meta.video.frames);
    this.reader = new FrameReader(meta.video.width, meta.video.height);
  }

  /** Another model became active: its clip length and frame size; buffered frames are dropped. */
  useModel(meta: ModelMetadata): void {
    if (meta === this.meta) return;
    this.reset();
    this.meta = meta;
    this.ring = new FrameRing(meta.video.frames);
    this.reader = new FrameReader(meta.video.width, meta.video.height);
  }

  get size(): number {
    return this.ring.size;
  }

  /** Reads and closes the bitmap; an unreadable frame is counted as dropped. */
  add(msg: FrameMessage): void {
    this.framesReceived++;
    try {
      const started = performance.now();
      const rgba = this.reader.read(msg.bitmap, msg.mirrored);
      const evicted = this.ring.push({
        rgba,
        time: msg.time,
        capturedAt: toLocalTime(msg.timeOrigin, msg.capturedAt, performance.timeOrigin),
        readMs: performance.now() - started,
      });
      if (evicted !== null && !evicted.used) this.framesDropped++;
    } catch {
      this.framesDropped++;
    } finally {
      msg.bitmap.close();
    }
  }

  /** A frame that arrived when no clip could use it (before metadata, after a fatal error). */
  drop(msg: FrameMessage): void {
    this.framesReceived++;
    this.framesDropped++;
    msg.bitmap.close();
  }

  reset(): void {
    this.framesDropped += this.ring.clear();
  }

  /** Writes the newest full clip into `clip` ([1, T, 3, H, W]); null until T frames arrived. */
  takeInto(clip: Float32Array): TakenClip | null {
    const frames = this.ring.takeClip();
    if (frames === null) return null;
    const started = performance.now();
    frames.forEach((f, t) => writeFrame(clip, t, f.rgba, this.meta));
    const newest = frames[frames.length - 1]!;
    const readMs = frames.reduce((sum, f) => sum + f.readMs, 0);
    return {
      time: newest.time,
      capturedAt: newest.capturedAt,
      preprocessMs: performance.now() - started + readMs,
    };
  }
}
