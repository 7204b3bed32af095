/**
 * Which video frames become model frames. The model was trained on clips sampled at
 * metadata.video.fps from continuous-time scenes (training/mone/data.py), so frames are taken at
 * media times k / fps, whatever the source's own frame rate (30 fps samples → every third frame).
 */

export interface FrameClock {
  /** Last model-frame slot taken (floor(mediaTime * fps)); null before the first frame. */
  readonly slot: number | null;
  readonly lastMediaTime: number | null;
}

export const initialFrameClock: FrameClock = { slot: null, lastMediaTime: null };

export type FrameDecision = 'skip' | 'take' | 'restart';

/**
 * For a presented frame at `mediaTime`: 'take' when it opens a new 1/fps slot, 'skip' when its
 * slot was already taken, 'restart' when time went backwards (a looping file restarted, or a
 * seek) — the worker's clip would otherwise straddle the jump, so the caller resets the clip and
 * takes this frame as the first of a new one.
 */
export function frameDecision(
  clock: FrameClock,
  mediaTime: number,
  fps: number,
): { decision: FrameDecision; clock: FrameClock } {
  // The epsilon absorbs media times like 0.0999999 for frame 3 of a 30 fps file.
  const slot = Math.floor(mediaTime * fps + 1e-3);
  if (clock.lastMediaTime !== null && mediaTime + 1e-3 < clock.lastMediaTime) {
    return { decision: 'restart', clock: { slot, lastMediaTime: mediaTime } };
  }
  if (clock.slot !== null && slot <= clock.slot) {
    return { decision: 'skip', clock: { ...clock, lastMediaTime: mediaTime } };
  }
  return { decision: 'take', clock: { slot, lastMediaTime: mediaTime } };
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
