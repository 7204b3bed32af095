/**
 * The app's one imperative module: it owns the inference client, the <video> source, the camera
 * stream and the frame clock, and turns their events into store actions. Components call its
 * methods (chooseSample, startCamera, …) and read everything else from the store.
 *
 * Frame path: each presented video frame → frameDecision (model fps) → createImageBitmap of the
 * centre square, resized to the model input → client.sendFrame (transferred). Once the worker
 * holds a full clip, every new frame asks for a run unless one is in flight: one clip in flight,
 * never a queue.
 */
import {
  createInferenceClient,
  type ClientEvent,
  type InferenceClient,
} from '../client/inferenceClient';
import type { ModelMetadata } from '../model/metadata';
import { centerCropRect } from '../model/preprocess';
import { runEc } from '../store/budgetSlice';
import { countsFor } from '../store/budgetMath';
import type { AppStore } from '../store';
import type { BackendPreference } from '../workers/protocol';
import { frameDecision, initialFrameClock, watchVideoFrames, type FrameClock } from './frameClock';
import { CameraUnavailable, listCameras, openCamera, stopStream } from './camera';
import { cameraErrorMessage, fileTypeProblem } from './mediaErrors';
import type { LinkState } from './urlState';
import { startUrlSync } from './urlSync';
import { VideoSource } from './videoSource';

export interface ControllerOptions {
  /** Same-origin URL of the model metadata JSON. */
  readonly metadataUrl: string;
  /** Folder with index.json and the sample clips. */
  readonly samplesUrl: string;
  /** The page's query string at load (`location.search`). */
  readonly search: string;
  /** Runs per level for "Explore budgets" (median latency reported). */
  readonly sweepRepeats?: number;
}

const STATS_INTERVAL_MS = 1000;

export class AppController {
  private readonly store: AppStore;
  private readonly options: ControllerOptions;
  private client: InferenceClient | null = null;
  private readonly video: VideoSource;
  private stopWatching: (() => void) | null = null;
  private clock: FrameClock = initialFrameClock;
  /** Frames sent since the worker's clip was last reset. */
  private framesInClip = 0;
  private stream: MediaStream | null = null;
  /** Incremented by every source switch; a camera opened for an older request is closed. */
  private cameraRequest = 0;
  private objectUrl: string | null = null;
  private sweepWanted = false;
  /** Id of the last run requested; results up to `staleRunId` came from a previous source. */
  private lastRunId = 0;
  private staleRunId = 0;
  private timers: ReturnType<typeof setInterval>[] = [];
  private unsubscribers: (() => void)[] = [];
  /** From the link (`?stall=`), for tests; null: the engine's default stall timeout. */
  private stallTimeoutMs: number | null = null;

  constructor(store: AppStore, options: ControllerOptions) {
    this.store = store;
    this.options = options;
    this.video = new VideoSource({
      playing: (width, height) => {
        this.store.getState().sourcePlaying(width, height);
        this.startCapture();
      },
      resized: (width, height) => this.store.getState().sourcePlaying(width, height),
      failed: (message) => {
        this.stopCapture();
        stopStream(this.stream);
        this.stream = null;
        this.store.getState().sourceFailed(message);
      },
    });
  }

  // -------------------------------------------------------------------------------------------
  // lifecycle
  // -------------------------------------------------------------------------------------------
  start(link: LinkState) {
    const s = this.store.getState();
    for (const message of link.problems) {
      s.errorRaised({ scope: 'app', title: 'Link parameter', message, severity: 'warning' });
    }
    if (link.ec !== null) s.budgetChanged(link.ec, `ec=${link.ecText ?? String(link.ec)}`);
    if (link.stallSeconds !== null) this.stallTimeoutMs = link.stallSeconds * 1000;
    this.client = createInferenceClient((ev) => this.onEngineEvent(ev));
    this.initEngine(link.backend);
    void this.loadSamples(link.sample);
    this.timers.push(
      setInterval(() => {
        if (this.store.getState().engine.phase === 'ready') this.client?.requestStats();
      }, STATS_INTERVAL_MS),
    );
    this.unsubscribers.push(startUrlSync(this.store, this.options.search));
  }

  dispose(): void {
    this.timers.forEach(clearInterval);
    this.unsubscribers.forEach((u) => u());
    this.stopSource();
    this.client?.dispose();
    this.client = null;
  }

  attachVideo = (video: HTMLVideoElement | null): void => {
    this.video.attach(video);
  };

  // -------------------------------------------------------------------------------------------
  // engine
  // -------------------------------------------------------------------------------------------
  /**
   * Starts an engine; the client runs one switch at a time, the last one winning. The worker reads
   * the metadata (one request) and warms up every budget level it lists before `ready`.
   */
  private initEngine(backend: BackendPreference): void {
    this.store.getState().initRequested(backend);
    this.framesInClip = 0;
    this.client?.init({
      metadataUrl: this.options.metadataUrl,
      backend,
      ...(this.stallTimeoutMs !== null ? { stallTimeoutMs: this.stallTimeoutMs } : {}),
    });
  }

  chooseBackend(preference: BackendPreference): void {
    this.initEngine(preference);
  }

  /** After a fatal model error: load again with the same preference. */
  retry(): void {
    this.initEngine(this.store.getState().engine.preference);
  }

  clearCache(): void {
    this.client?.clearCache();
  }

  /** Sent with the next frame that completes a clip (see requestRun), like a run. */
  exploreBudgets(): void {
    this.sweepWanted = true;
    this.store.getState().sweepRequested(null);
  }

  private trySweep(): void {
    const meta = this.store.getState().engine.metadata;
    if (!this.sweepWanted || meta === null || this.client === null) return;
    if (this.framesInClip < meta.video.frames) return;
    const budgets = meta.budget.levels.map((ec) => ({ ec, counts: countsFor(meta, ec) }));
    // A software WebGPU adapter takes seconds per run: one run per level there.
    const slow = this.store.getState().engine.backend?.backend === 'webgpu';
    const id = this.client.sweep(budgets, slow ? 1 : (this.options.sweepRepeats ?? 3));
    if (id === null) return; // a run is in flight; retried when its result arrives
    this.sweepWanted = false;
    this.store.getState().sweepRequested(id);
  }

  private onEngineEvent(ev: ClientEvent): void {
    const s = this.store.getState();
    switch (ev.type) {
      case 'loadProgress':
        return s.loadProgressed(ev);
      case 'backend':
        return s.backendChosen(ev);
      case 'warmup':
        return s.warmupProgressed(ev);
      case 'ready':
        s.engineReady(ev);
        this.framesInClip = 0;
        this.client?.resetClip();
        this.client?.requestStats();
        return;
      case 'result':
        // A run that was in flight when the source changed describes the old video.
        if (ev.requestId > this.staleRunId) s.clipScored(ev, performance.now());
        this.client?.requestStats();
        return;
      case 'busy':
        return;
      case 'sweepResult':
        return s.sweepFinished(ev);
      case 'stats':
        return s.statsReceived(ev);
      case 'cacheCleared':
        return s.cacheCleared(ev.removed);
      case 'error':
        if (ev.requestId !== undefined && ev.requestId === s.results.sweep.requestId) {
          // The clip was reset (looping sample) between request and run: ask again.
          if (ev.code === 'no-clip') this.sweepWanted = true;
          else s.sweepFailed();
        }
        return s.engineFailed(ev);
      case 'restarted':
        this.framesInClip = 0;
        return s.engineRestarted(ev.reason, ev.backend);
      case 'disposed':
        return s.engineDisposed(ev);
    }
  }

  // -------------------------------------------------------------------------------------------
  // sources
  // -------------------------------------------------------------------------------------------
  private async loadSamples(wanted: string | null): Promise<void> {
    try {
      const response = await fetch(`${this.options.samplesUrl}index.json`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const index = (await response.json()) as { samples?: { file: string; label: string }[] };
      const samples = (index.samples ?? []).map(({ file, label }) => ({ file, label }));
      this.store.getState().samplesLoaded(samples);
      // Open on a sample so predictions appear with no action: the linked one, else the first.
      const linked = samples.find((x) => x.label === wanted || x.file === wanted);
      if (wanted !== null && linked === undefined) {
        this.store.getState().errorRaised({
          scope: 'app',
          title: 'Link parameter',
          message: `sample=${wanted} is not one of the bundled samples; it was ignored.`,
          severity: 'warning',
        });
      }
      const pick = linked ?? samples[0];
      if (pick !== undefined && this.store.getState().source.kind === 'none') {
        this.chooseSample(pick.file);
      }
    } catch (err) {
      this.store.getState().errorRaised({
        scope: 'app',
        title: 'Sample clips unavailable',
        message: `The list of sample clips could not be loaded (${err instanceof Error ? err.message : String(err)}). The camera and video files still work.`,
        severity: 'warning',
      });
    }
  }

  chooseSample(file: string): void {
    const sample = this.store.getState().source.samples.find((x) => x.file === file);
    this.stopSource();
    this.store.getState().sampleChosen(file);
    const what = `The sample clip "${sample?.label ?? file}"`;
    this.video.playUrl(`${this.options.samplesUrl}${file}`, what);
  }

  openFile(file: File): void {
    this.stopSource();
    this.store.getState().fileChosen(file.name);
    const problem = fileTypeProblem(file);
    if (problem !== null) {
      this.store.getState().sourceFailed(problem);
      return;
    }
    this.objectUrl = URL.createObjectURL(file);
    this.video.playUrl(this.objectUrl, `"${file.name}"`);
  }

  async startCamera(deviceId: string | null = null): Promise<void> {
    this.stopSource();
    const request = this.cameraRequest; // bumped by stopSource: a later source wins
    this.store.getState().cameraRequested(deviceId);
    let stream: MediaStream;
    try {
      stream = await openCamera(deviceId);
    } catch (err) {
      if (request === this.cameraRequest) {
        const message = err instanceof CameraUnavailable ? err.message : cameraErrorMessage(err);
        this.store.getState().sourceFailed(message);
      }
      return;
    }
    // Another source (or another camera) was chosen while the permission prompt was open.
    if (request !== this.cameraRequest) return stopStream(stream);
    this.stream = stream;
    this.video.playStream(stream);
    try {
      const { cameras, activeId } = await listCameras(stream);
      this.store.getState().camerasListed(cameras, activeId);
    } catch {
      // The picker just stays empty; the camera itself works.
    }
  }

  stopCamera(): void {
    this.stopSource();
    this.store.getState().cameraStopped();
  }

  private stopSource(): void {
    this.cameraRequest++;
    this.stopCapture();
    this.video.stop();
    stopStream(this.stream);
    this.stream = null;
    if (this.objectUrl !== null) URL.revokeObjectURL(this.objectUrl);
    this.objectUrl = null;
    this.framesInClip = 0;
    this.staleRunId = this.lastRunId;
    this.client?.resetClip();
  }

  // -------------------------------------------------------------------------------------------
  // frames → worker
  // -------------------------------------------------------------------------------------------
  private startCapture(): void {
    this.stopCapture();
    const video = this.video.element;
    if (video === null) return;
    const fps = this.store.getState().engine.metadata?.video.fps ?? 10;
    this.clock = initialFrameClock;
    this.stopWatching = watchVideoFrames(video, fps, (mediaTime) =>
      this.onVideoFrame(video, mediaTime),
    );
  }

  private stopCapture(): void {
    this.stopWatching?.();
    this.stopWatching = null;
  }

  private onVideoFrame(video: HTMLVideoElement, mediaTime: number): void {
    const { engine } = this.store.getState();
    const meta = engine.metadata;
    if (engine.phase !== 'ready' || meta === null || this.client === null) return;
    // Looping sources: a file shorter than one clip keeps its clip across the loop point.
    const loop = video.loop ? { duration: video.duration, frames: meta.video.frames } : undefined;
    const step = frameDecision(this.clock, mediaTime, meta.video.fps, loop);
    this.clock = step.clock;
    if (step.decision === 'skip') return;
    if (step.decision === 'restart') {
      this.client.resetClip();
      this.framesInClip = 0;
    }
    void this.captureFrame(video, mediaTime, meta);
  }

  private async captureFrame(video: HTMLVideoElement, mediaTime: number, meta: ModelMetadata) {
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (width === 0 || height === 0) return;
    const { sx, sy, size } = centerCropRect(width, height);
    const capturedAt = performance.now();
    const watching = this.stopWatching;
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(video, sx, sy, size, size, {
        resizeWidth: meta.video.width,
        resizeHeight: meta.video.height,
        resizeQuality: 'high',
      });
    } catch {
      return; // the frame went away (source switched mid-capture): skip it
    }
    // Captured from a source that has since been replaced: drop it.
    if (this.stopWatching !== watching || this.client === null) {
      bitmap.close();
      return;
    }
    this.client.sendFrame(bitmap, mediaTime, capturedAt);
    this.framesInClip++;
    if (this.framesInClip >= meta.video.frames) this.requestRun();
  }

  private requestRun(): void {
    const { budget } = this.store.getState();
    if (this.client === null || this.client.inFlight || budget.counts === null) return;
    if (this.sweepWanted) return this.trySweep();
    this.lastRunId = this.client.run(budget.counts, runEc(budget)) ?? this.lastRunId;
  }
}
