/**
 * Owns what plays in the <video> element: a URL (sample clip or uploaded file) or a MediaStream
 * (camera). Every switch bumps a generation number so events and timers of the previous source
 * are ignored; failures (the element's `error` event, no first frame within a timeout, or data
 * without a picture) come back as one sentence for the page.
 */
import { decodeTimeoutMessage, noVideoTrackMessage, videoErrorMessage } from './mediaErrors';

export interface VideoSourceEvents {
  /** The element has its first frame; size is the intrinsic video size. */
  playing: (width: number, height: number) => void;
  failed: (message: string) => void;
  /** Intrinsic size changed (camera rotated, resolution switched). */
  resized: (width: number, height: number) => void;
}

/** Seconds a source may take to produce its first frame before it counts as undecodable. */
export const DECODE_TIMEOUT_S = 8;

type Pending = { kind: 'url'; url: string; what: string } | { kind: 'stream'; stream: MediaStream };

export class VideoSource {
  private video: HTMLVideoElement | null = null;
  private generation = 0;
  private current: (Pending & { generation: number; started: boolean }) | null = null;
  private timeout: ReturnType<typeof setTimeout> | null = null;
  private readonly events: VideoSourceEvents;

  constructor(events: VideoSourceEvents) {
    this.events = events;
  }

  get element(): HTMLVideoElement | null {
    return this.video;
  }

  attach(video: HTMLVideoElement | null): void {
    if (video === this.video) return;
    this.video?.removeEventListener('loadeddata', this.onLoaded);
    this.video?.removeEventListener('error', this.onError);
    this.video?.removeEventListener('resize', this.onResize);
    this.video = video;
    if (video === null) return;
    // Autoplay is allowed for muted media only; set the property, not just the attribute.
    video.muted = true;
    video.playsInline = true;
    video.addEventListener('loadeddata', this.onLoaded);
    video.addEventListener('error', this.onError);
    video.addEventListener('resize', this.onResize);
    const pending = this.current;
    if (pending !== null) this.load(pending);
  }

  /** Sample clips and uploads loop, so predictions keep coming. */
  playUrl(url: string, what: string): void {
    this.load({ kind: 'url', url, what });
  }

  playStream(stream: MediaStream): void {
    this.load({ kind: 'stream', stream });
  }

  /** Empties the element (a stream's tracks are the caller's to stop). */
  stop(): void {
    this.generation++;
    this.current = null;
    this.clearTimeout();
    const video = this.video;
    if (video === null) return;
    video.pause();
    video.srcObject = null;
    video.removeAttribute('src');
    video.load();
  }

  /** Pauses a URL source (a hidden tab); `resume` plays it on from there. */
  pause(): void {
    if (this.current?.kind === 'url') this.video?.pause();
  }

  resume(): void {
    const video = this.video;
    if (this.current?.kind !== 'url' || video === null || !video.paused) return;
    video.play().catch(() => undefined); // a failure shows up as the element's error event
  }

  private load(source: Pending): void {
    this.stop();
    const generation = this.generation;
    this.current = { ...source, generation, started: false };
    const video = this.video;
    if (video === null) return; // applied on attach()
    video.loop = source.kind === 'url';
    if (source.kind === 'url') video.src = source.url;
    else video.srcObject = source.stream;
    const what = source.kind === 'url' ? source.what : 'The camera';
    this.timeout = setTimeout(() => {
      if (this.current?.generation === generation && !this.current.started) {
        this.fail(decodeTimeoutMessage(what, DECODE_TIMEOUT_S));
      }
    }, DECODE_TIMEOUT_S * 1000);
    video.play().catch((err: unknown) => {
      // AbortError: a newer source replaced this one before it started; not a failure.
      if (err instanceof DOMException && err.name === 'AbortError') return;
      if (this.current?.generation !== generation) return;
      if (err instanceof DOMException && err.name === 'NotAllowedError') {
        this.fail('The browser blocked playback; click the video to start it.');
      }
      // Decode failures arrive through the element's error event with a better code.
    });
  }

  private readonly onLoaded = () => {
    const current = this.current;
    const video = this.video;
    if (current === null || video === null || current.started) return;
    // Data but no picture (0×0): a file with an audio track only. Nothing to classify.
    if (video.videoWidth === 0 || video.videoHeight === 0) {
      this.fail(noVideoTrackMessage(current.kind === 'url' ? current.what : 'The camera stream'));
      return;
    }
    current.started = true;
    this.clearTimeout();
    this.events.playing(video.videoWidth, video.videoHeight);
  };

  private readonly onResize = () => {
    const video = this.video;
    if (this.current?.started && video !== null && video.videoWidth > 0) {
      this.events.resized(video.videoWidth, video.videoHeight);
    }
  };

  private readonly onError = () => {
    const current = this.current;
    const video = this.video;
    // Errors after stop() (emptied element) belong to no source.
    if (current === null || video === null) return;
    const what = current.kind === 'url' ? current.what : 'The camera stream';
    this.fail(videoErrorMessage(video.error?.code ?? null, what));
  };

  private fail(message: string): void {
    this.stop();
    this.events.failed(message);
  }

  private clearTimeout(): void {
    if (this.timeout !== null) clearTimeout(this.timeout);
    this.timeout = null;
  }
}
