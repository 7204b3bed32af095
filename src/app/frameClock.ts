/**
 * Which video frames become model frames. The model was trained on clips sampled at
 * metadata.video.fps from continuous-time scenes (training/mone/data.py), so frames are taken at
 * media times k / fps, whatever the source's own frame rate (30 fps samples → every third frame).
 */

export interface FrameClock {
  /** Last model-frame slot taken (floor((offset + mediaTime) * fps)); null before the first frame. */
  readonly slot: number | null;
  readonly lastMediaTime: number | null;
  /** Seconds added to media time: the passes already played of a file shorter than one clip. */
  readonly offset: number;
}

export const initialFrameClock: FrameClock = { slot: null, lastMediaTime: null, offset: 0 };

export type FrameDecision = 'skip' | 'take' | 'restart';

/** A looping source (sample or file): what decides whether a clip may run across its loop point. */
export interface LoopInfo {
  /** Seconds of one pass (video.duration); NaN or Infinity when the file does not say. */
  readonly duration: number;
  /** Frames in one model clip (metadata.video.frames). */
  readonly frames: number;
}

// Absorbs media times like 0.0999999 for frame 3 of a 30 fps file.
const EPS = 1e-3;

function slotDecision(clock: FrameClock, mediaTime: number, fps: number) {
  const slot = Math.floor((clock.offset + mediaTime) * fps + EPS);
  if (clock.slot !== null && slot <= clock.slot) {
    return { decision: 'skip' as const, clock: { ...clock, lastMediaTime: mediaTime } };
  }
  return { decision: 'take' as const, clock: { ...clock, slot, lastMediaTime: mediaTime } };
}

/**
 * For a presented frame at `mediaTime`: 'take' when it opens a new 1/fps slot, 'skip' when its
 * slot was already taken, 'restart' when time went backwards (a looping file restarted, or a
 * seek) — the worker's clip would otherwise straddle the jump, so the caller resets the clip and
 * takes this frame as the first of a new one.
 *
 * Except for a looping file too short to hold one clip (fewer than `loop.frames` slots per pass:
 * under 0.8 s for 8 frames at 10 fps), which would never fill a clip that restarts at every loop:
 * its passes are laid end to end (the offset grows by one pass per loop) and the clip runs on
 * across the loop point.
 */
export function frameDecision(
  clock: FrameClock,
  mediaTime: number,
  fps: number,
  loop?: LoopInfo,
): { decision: FrameDecision; clock: FrameClock } {
  const last = clock.lastMediaTime;
  if (last !== null && mediaTime + EPS < last) {
    // One pass: the file's duration, else what played of it plus one model frame.
    const pass =
      Number.isFinite(loop?.duration) && loop!.duration > 0 ? loop!.duration : last + 1 / fps;
    if (loop !== undefined && pass * fps + EPS < loop.frames) {
      return slotDecision({ ...clock, offset: clock.offset + pass }, mediaTime, fps);
    }
    const slot = Math.floor(mediaTime * fps + EPS);
    return { decision: 'restart', clock: { slot, lastMediaTime: mediaTime, offset: 0 } };
  }
  return slotDecision(clock, mediaTime, fps);
}

/**
 * Calls onFrame(mediaTime) for every presented video frame: requestVideoFrameCallback where the
 * browser has it (exact media times), else a timer at twice the model rate reading currentTime.
 * Returns a function that stops it.
 */
export function watchVideoFrames(
  video: HTMLVideoElement,
  fps: number,
  onFrame: (mediaTime: number) => void,
): () => void {
  let stopped = false;
  if (typeof video.requestVideoFrameCallback === 'function') {
    let handle = 0;
    const tick = (_now: number, meta: VideoFrameCallbackMetadata) => {
      if (stopped) return;
      onFrame(meta.mediaTime);
      handle = video.requestVideoFrameCallback(tick);
    };
    handle = video.requestVideoFrameCallback(tick);
    return () => {
      stopped = true;
      video.cancelVideoFrameCallback(handle);
    };
  }
  const timer = setInterval(() => {
    if (!video.paused && video.readyState >= 2) onFrame(video.currentTime);
  }, 500 / fps);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
