/**
 * The app's one imperative module: it owns the inference client, the <video> source, the camera
 * stream and the frame clock, and turns their events into store actions. Components call its
 * methods (chooseModel, chooseSample, startCamera, …) and read everything else from the store.
 *
 * Models: the index (public/models/index.json) lists them; the link's ?model=, else the index's
 * default for the backend, runs first. Switching models keeps the worker (and its backend): the
 * engine reuses a model's session when it was loaded before.
 *
 * Frame path: each presented video frame → frameDecision (model fps) → createImageBitmap of the
 * centre square, resized to the model input → client.sendFrame (transferred). Once the worker
 * holds a full clip, every new frame asks for a run unless one is in flight: one clip in flight,
 * never a queue.
 *
 * Kind to the device: a hidden tab starts no run, stops the camera's tracks and pauses playback
 * (all back when it is visible, the same camera reopened); Release frees the sessions and the
 * worker until the next play, classify or Resume.
 */
import {
  createInferenceClient,
  type ClientEvent,
  type InferenceClient,
} from '../client/inferenceClient';
import { probeAdapter } from '../model/adapterProbe';
import { chooseBackend, type Backend } from '../model/backendChoice';
import type { ModelMetadata } from '../model/metadata';
import {
  defaultDependsOnBackend,
  defaultModel,
  metadataFileOf,
  modelById,
  type ModelEntry,
  type ModelsIndex,
} from '../model/modelsIndex';
import { parseModelsIndex } from '../model/modelsIndexParse';
import { dropKind, ownModelEntry, pairModelFiles } from '../model/ownModel';
import { isOwnModelId, ownModelId } from '../model/ownModelId';
import type { OwnModelEntry, OwnModelInfo } from '../model/ownModel';
import { centerCropRect } from '../model/preprocess';
import { runEc } from '../store/budgetSlice';
import { countsFor } from '../store/budgetMath';
import type { AppStore } from '../store';
import { compareAvailability } from '../store/compare';
import { chosenModel, findModel } from '../store/selectors';
import type { ModelChoice } from '../store/types';
import type { BackendPreference, Ready, WeightsPreference } from '../workers/protocol';
import { downloadFile, type DownloadKind } from './downloads';
import { frameDecision, initialFrameClock, watchVideoFrames, type FrameClock } from './frameClock';
import { CameraUnavailable, listCameras, openCamera, stopStream } from './camera';
import { isFrontCamera } from './cameraFacing';
import { cameraErrorMessage, fileTypeProblem, pickVideoFile } from './mediaErrors';
import type { LinkState } from './urlState';
import { startUrlSync } from './urlSync';
import { VideoSource } from './videoSource';
import { filesInput, forgetKept, listKeptEntries, openFiles, type ModelFiles } from './ownModels';
import type { OwnModelInput } from '../client/inferenceClient';

export interface ControllerOptions {
  /** Same-origin URL of the model index (each model's metadata and samples are relative to it). */
  readonly modelsUrl: string;
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
  private initialUrl: LinkState | null = null;
  /** Bumped by every backend choice: an older one still waiting for the adapter probe gives up. */
  private backendRequest = 0;
  /** An init went to the current worker, so a model switch can reuse it. */
  private engineStarted = false;
  /** The choice that last became ready: a switch that fails falls back to it. */
  private readyChoice: ModelChoice | null = null;
  /** The samples index asked for last, and the one the shown list came from (files are relative). */
  private samplesWanted: string | null = null;
  private samplesBase: string | null = null;
  /** The camera the hidden tab released (reopened when visible); undefined when none was on. */
  private hiddenCamera: string | null | undefined = undefined;
  /** Files of own models opened on this page, by id (a new worker reads them again). */
  private readonly ownFiles = new Map<string, ModelFiles>();
  /** An own model sent to the worker and not yet ready or refused. */
  private pendingOwn: (Omit<OwnModelInfo, 'kept'> & { readonly keep: boolean }) | null = null;

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
    s.weightsPreferenceChosen(link.weights);
    this.initialUrl = link;
    this.client = createInferenceClient((ev) => this.onEngineEvent(ev));
    void this.boot(link);
    this.timers.push(
      setInterval(() => {
        const { engine, source } = this.store.getState();
        if (engine.phase === 'ready' && !source.hidden) this.client?.requestStats();
      }, STATS_INTERVAL_MS),
    );
    this.unsubscribers.push(startUrlSync(this.store, this.options.search));
    document.addEventListener('visibilitychange', this.onVisibility);
    this.unsubscribers.push(() =>
      document.removeEventListener('visibilitychange', this.onVisibility),
    );
    this.onVisibility();
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
  /** Index → the first model (the link's, else the default) → engine and samples. */
  private async boot(url: LinkState): Promise<void> {
    this.store.getState().initRequested(url.backend);
    const index = await this.loadIndex();
    if (index === null) return;
    const linked = url.model === null ? undefined : modelById(index, url.model);
    if (url.model !== null && linked === undefined) {
      this.store.getState().errorRaised({
        scope: 'model',
        title: 'Unknown model',
        message: `model = "${url.model}" is not in the model index (${index.models.map((m) => m.id).join(', ')}); using the default.`,
        severity: 'warning',
      });
    }
    const id = linked?.id ?? (await this.defaultFor(index, url.backend));
    this.store.getState().modelChosen({ id, by: linked === undefined ? 'default' : 'link' });
    void this.loadSamples(url.sample);
    this.initEngine(url.backend);
    void this.listKept();
  }

  private async loadIndex(): Promise<ModelsIndex | null> {
    const s = this.store.getState();
    try {
      const response = await fetch(this.options.modelsUrl);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const index = parseModelsIndex(await response.json());
      s.modelsIndexed(index);
      return index;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      s.modelsIndexFailed(
        `The list of models (${this.options.modelsUrl}) could not be loaded: ${why}.`,
      );
      return null;
    }
  }

  /**
   * The index's default model for the backend the engine will run on. 'auto' needs the adapter
   * only when the defaults differ between backends; the worker's own probe then agrees with it
   * (and if WebGPU still fails, the ready handler switches to the WASM default).
   */
  private async defaultFor(index: ModelsIndex, preference: BackendPreference): Promise<string> {
    let backend: Backend = preference === 'auto' ? 'wasm' : preference;
    if (preference === 'auto' && defaultDependsOnBackend(index)) {
      const choice = chooseBackend('auto', await probeAdapter());
      if (choice.ok) backend = choice.backend;
    }
    return defaultModel(index, backend).model.id;
  }

  private currentModel(): ModelEntry | null {
    return chosenModel(this.store.getState().models);
  }

  private urlOf(path: string): string {
    return new URL(path, new URL(this.options.modelsUrl, window.location.href)).href;
  }

  /** What the worker is asked to load for `model`: its metadata URL, or an own model's source. */
  private modelRequest(model: ModelEntry): { metadataUrl: string; own?: OwnModelInput } {
    const own = (model as Partial<OwnModelEntry>).own;
    if (own === undefined) return { metadataUrl: this.urlOf(metadataFileOf(model)) };
    const files = this.ownFiles.get(model.id);
    // A kept copy needs no file: the worker reads it from Cache Storage.
    const input: OwnModelInput =
      own.kept || files === undefined
        ? { kind: 'kept', sha256: own.sha256 }
        : filesInput(own, files, false);
    return { metadataUrl: model.id, own: input };
  }

  /** The model a `ready` is about: the request's metadataUrl names it. */
  private modelOfUrl(url: string): ModelEntry | undefined {
    const { models } = this.store.getState();
    if (isOwnModelId(url)) return findModel(models, url) ?? undefined;
    return models.index?.models.find((m) => this.urlOf(metadataFileOf(m)) === url);
  }

  /**
   * A fresh worker on `backend`, loading the chosen model; the client runs one switch at a time,
   * the last one winning. The worker reads the metadata (one request), warms up every budget level
   * it lists before `ready` and hands it over with `ready`: the page never fetches it.
   */
  private initEngine(backend: BackendPreference): void {
    const model = this.currentModel();
    if (model === null) return;
    this.store.getState().initRequested(backend);
    this.framesInClip = 0;
    this.engineStarted = true;
    this.client?.init({
      ...this.modelRequest(model),
      backend,
      weights: this.store.getState().engine.weightsPreference,
      ...(this.stallTimeoutMs !== null ? { stallTimeoutMs: this.stallTimeoutMs } : {}),
    });
  }

  /**
   * The picker chose a model. The running worker switches to it (its session reused when it was
   * loaded before); after a fatal error a fresh worker loads it. No page reload either way.
   */
  chooseModel(id: string): void {
    this.switchModel(id, 'user');
  }

  private switchModel(id: string, by: ModelChoice['by']): void {
    const s = this.store.getState();
    const model = findModel(s.models, id);
    if (model === null) return;
    const failed = s.engine.phase === 'error';
    const same = s.models.choice?.id === id;
    s.modelChosen({ id, by });
    if (same && !failed) return;
    // Results of the previous model still on their way describe another model.
    this.sweepWanted = false;
    this.staleRunId = this.lastRunId;
    this.framesInClip = 0;
    this.client?.resetClip();
    void this.loadSamples(null);
    if (failed || !this.engineStarted) return this.initEngine(s.engine.preference);
    // The worker warms up the model's budget levels and sends its metadata with `ready`.
    this.client?.useModel(this.modelRequest(model));
  }

  /**
   * A model from disk (the picker's file input or a drop): its .onnx and metadata .json are read
   * here and go to the worker, which checks and warms it up. It becomes the choice only once it
   * is ready; a pair that fails leaves the running model in place, with the reason on the page.
   */
  async openOwnModel(files: readonly File[], keep: boolean): Promise<void> {
    const title = 'Your model was not opened';
    const pair = pairModelFiles(files);
    if (!pair.ok) {
      this.store
        .getState()
        .errorRaised({ scope: 'model', title, message: pair.why, severity: 'error' });
      return;
    }
    let opened;
    try {
      opened = await openFiles(pair, keep);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      const message = `"${pair.onnx.name}" or "${pair.json.name}" could not be read: ${why}.`;
      this.store.getState().errorRaised({ scope: 'model', title, message, severity: 'error' });
      return;
    }
    this.ownFiles.set(ownModelId(opened.info), pair);
    this.pendingOwn = { ...opened.info, keep };
    const request = { metadataUrl: ownModelId(opened.info), own: opened.input };
    const s = this.store.getState();
    this.sweepWanted = false;
    this.staleRunId = this.lastRunId;
    this.framesInClip = 0;
    this.client?.resetClip();
    if (s.engine.phase !== 'error' && this.engineStarted) return this.client?.useModel(request);
    s.initRequested(s.engine.preference);
    this.engineStarted = true;
    this.client?.init({
      ...request,
      backend: s.engine.preference,
      weights: s.engine.weightsPreference,
    });
  }

  /**
   * Files dropped on the page: a drop holding an .onnx or a .json is a model from disk, anything
   * else goes to the video path (the first video among the files).
   */
  dropFiles(files: readonly File[]): void {
    if (dropKind(files) === 'model') {
      void this.openOwnModel(files, this.store.getState().models.keepOwn);
      return;
    }
    const file = pickVideoFile(files);
    if (file !== null) this.openFile(file);
  }

  /** Forget: off this device and out of the picker; the default model replaces a running one. */
  async forgetOwnModel(id: string): Promise<void> {
    const s = this.store.getState();
    const entry = s.models.own.find((m) => m.id === id);
    if (entry === undefined || s.models.index === null) return;
    if (s.models.choice?.id === id) {
      const backend = s.engine.backend?.backend ?? 'wasm';
      this.switchModel(defaultModel(s.models.index, backend).model.id, 'default');
    }
    this.ownFiles.delete(id);
    try {
      if (entry.own.kept) await forgetKept(entry.own.sha256);
      this.store.getState().ownModelForgotten(id);
    } catch (err) {
      this.store.getState().errorRaised({
        scope: 'app',
        title: 'Forget failed',
        message: `Your model could not be removed from this device: ${err instanceof Error ? err.message : String(err)}.`,
        severity: 'warning',
      });
    }
  }

  /** The models kept on this device into the picker (they play the chosen model's samples). */
  private async listKept(): Promise<void> {
    const samples = this.currentModel()?.samples;
    if (samples === undefined) return;
    try {
      const { entries, problems } = await listKeptEntries(samples);
      this.store.getState().keptModelsListed(entries);
      for (const message of problems) {
        this.store
          .getState()
          .errorRaised({ scope: 'app', title: 'Kept model', message, severity: 'warning' });
      }
    } catch (err) {
      this.store.getState().errorRaised({
        scope: 'app',
        title: 'Kept models unavailable',
        message: `The models kept on this device could not be listed: ${err instanceof Error ? err.message : String(err)}.`,
        severity: 'warning',
      });
    }
  }

  chooseBackend(preference: BackendPreference): void {
    void this.restartOn(preference);
  }

  /**
   * Which weights run (the runtime panel): a fresh worker on the same backend loads the chosen
   * model with them, as a backend switch does; the page is not reloaded.
   */
  chooseWeights(preference: WeightsPreference): void {
    const { engine } = this.store.getState();
    if (engine.weightsPreference === preference) return;
    this.store.getState().weightsPreferenceChosen(preference);
    if (this.engineStarted) this.initEngine(engine.preference);
  }

  /** A fresh worker on another backend; a model chosen by default follows that backend's default. */
  private async restartOn(preference: BackendPreference): Promise<void> {
    const request = ++this.backendRequest;
    const { index, choice } = this.store.getState().models;
    if (index !== null && choice?.by === 'default') {
      const id = await this.defaultFor(index, preference);
      if (request !== this.backendRequest) return; // a later choice wins
      if (id !== choice.id) {
        this.store.getState().modelChosen({ id, by: 'default' });
        void this.loadSamples(null);
      }
    }
    this.initEngine(preference);
  }

  /** After a fatal model error: load again with the same preference (the index too if it failed). */
  retry(): void {
    const s = this.store.getState();
    ++this.backendRequest;
    if (s.models.index === null && this.initialUrl !== null) {
      void this.boot({ ...this.initialUrl, backend: s.engine.preference });
      return;
    }
    this.initEngine(s.engine.preference);
  }

  /** Frees the sessions and the worker; the next play, classify or Resume starts a fresh one. */
  release(): void {
    const phase = this.store.getState().engine.phase;
    if (this.client === null || phase === 'released') return;
    this.backendRequest++; // a backend choice still probing the adapter gives up
    this.engineStarted = false;
    this.sweepWanted = false;
    this.staleRunId = this.lastRunId;
    this.framesInClip = 0;
    this.store.getState().engineReleased();
    this.client.release();
  }

  /** After Release: a fresh worker loads the chosen model again (from Cache Storage). */
  resume(): void {
    const { engine } = this.store.getState();
    if (engine.phase === 'released') this.initEngine(engine.preference);
  }

  /**
   * A model is ready. Usually the one chosen; after a failed switch the previous one, which kept
   * running. A model chosen by default that is not the default of the backend the engine ended up
   * on (WebGPU failed under 'auto') gives way to that one.
   */
  private modelReady(ev: Ready): void {
    const pending = this.pendingOwn;
    if (pending !== null && ev.metadataUrl === ownModelId(pending)) {
      // The model from disk passed every check: it joins the picker and runs.
      this.pendingOwn = null;
      const samples = this.currentModel()?.samples ?? '';
      const { keep, ...info } = pending;
      this.store
        .getState()
        .ownModelOpened(ownModelEntry(ev.metadata, { ...info, kept: false }, samples));
      this.sweepWanted = false;
      void this.loadSamples(null);
      if (keep) void this.listKept(); // the worker stored it before `ready`
    }
    const s = this.store.getState();
    const running = this.modelOfUrl(ev.metadataUrl);
    if (running !== undefined && running.id !== s.models.choice?.id && this.readyChoice !== null) {
      s.modelChosen(this.readyChoice);
      void this.loadSamples(null);
    }
    s.engineReady(ev);
    this.readyChoice = this.store.getState().models.choice;
    this.framesInClip = 0;
    this.client?.resetClip();
    this.client?.requestStats();
    // The frame rate may have changed with the model.
    if (this.store.getState().source.status === 'playing') this.startCapture();
    const { index, choice } = this.store.getState().models;
    if (index !== null && choice?.by === 'default') {
      const wanted = defaultModel(index, ev.backend).model.id;
      if (wanted !== choice.id) this.switchModel(wanted, 'default');
    }
  }

  clearCache(): void {
    this.client?.clearCache();
  }

  /** Saves the clip log, the current frame with its routing, or the sweep (made in the page). */
  download(kind: DownloadKind): void {
    const s = this.store.getState();
    const mirrored =
      s.source.kind === 'camera' && (chosenModel(s.models)?.camera_mirrored ?? false);
    downloadFile(kind, s, this.video.element, mirrored).catch((err: unknown) =>
      this.store.getState().errorRaised({
        scope: 'app',
        title: 'Download failed',
        message: `The file could not be made: ${err instanceof Error ? err.message : String(err)}.`,
        severity: 'warning',
      }),
    );
  }

  /** Sent with the next frame that completes a clip (see requestRun), like a run. */
  exploreBudgets(): void {
    this.resume();
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
        return ev.purpose === 'baseline' ? s.baselineLoadProgressed(ev) : s.loadProgressed(ev);
      case 'backend':
        return s.backendChosen(ev);
      case 'warmup':
        return ev.purpose === 'baseline' ? s.baselineLoadProgressed(ev) : s.warmupProgressed(ev);
      case 'ready':
        return this.modelReady(ev);
      case 'result':
        // A run that was in flight when the source changed describes the old video.
        if (ev.requestId > this.staleRunId) {
          s.clipScored(ev, performance.now(), Date.now());
          this.store.getState().clipCompared(ev);
        }
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
        if (ev.code === 'own-model') this.pendingOwn = null;
        if (ev.requestId !== undefined && ev.requestId === s.results.sweep.requestId) {
          // The clip was reset (looping sample) between request and run: ask again.
          if (ev.code === 'no-clip') this.sweepWanted = true;
          else s.sweepFailed();
        }
        return s.engineFailed(ev);
      case 'restarted':
        this.framesInClip = 0;
        return s.engineRestarted(ev.reason, ev.backend);
      case 'threadsFallback':
        this.framesInClip = 0;
        return s.threadsFellBack(ev.reason);
      case 'released':
        return; // the store says 'released' from the moment Release was pressed
      case 'disposed':
        return s.engineDisposed(ev);
    }
  }

  // -------------------------------------------------------------------------------------------
  // sources
  // -------------------------------------------------------------------------------------------
  /**
   * The chosen model's sample list (a model and its baseline share one: nothing to do). Opens on
   * a sample so predictions appear with no action — the linked one, else the first — and a
   * sample that was playing gives way to the new list's sample of the same class (else its
   * first); a file or the camera keeps playing.
   */
  private async loadSamples(wanted: string | null): Promise<void> {
    const model = this.currentModel();
    if (model === null) return;
    const url = this.urlOf(model.samples);
    if (url === this.samplesWanted) return;
    this.samplesWanted = url;
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const index = (await response.json()) as { samples?: { file: string; label: string }[] };
      if (this.samplesWanted !== url) return; // another model's list was asked for meanwhile
      const samples = (index.samples ?? []).map(({ file, label }) => ({ file, label }));
      const { source } = this.store.getState();
      const playing = source.samples.find((x) => x.file === source.sample)?.label;
      this.samplesBase = url;
      this.store.getState().samplesLoaded(samples);
      const linked = samples.find((x) => x.label === wanted || x.file === wanted);
      if (wanted !== null && linked === undefined) {
        this.store.getState().errorRaised({
          scope: 'app',
          title: 'Link parameter',
          message: `sample=${wanted} is not one of the bundled samples; it was ignored.`,
          severity: 'warning',
        });
      }
      const pick = linked ?? samples.find((x) => x.label === playing) ?? samples[0];
      if (pick !== undefined && (source.kind === 'none' || source.kind === 'sample')) {
        this.chooseSample(pick.file);
      }
    } catch (err) {
      this.samplesWanted = null;
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
    if (this.samplesBase === null) return;
    this.resume();
    this.stopSource();
    this.store.getState().sampleChosen(file);
    const what = `The sample clip "${sample?.label ?? file}"`;
    this.video.playUrl(new URL(file, this.samplesBase).href, what);
  }

  openFile(file: File): void {
    this.resume();
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
    this.resume();
    this.stopSource();
    const request = this.cameraRequest; // bumped by stopSource: a later source wins
    this.store.getState().cameraRequested(deviceId);
    const stream = await this.playCamera(deviceId, request);
    if (stream === null) return;
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

  // -------------------------------------------------------------------------------------------
  // a hidden tab
  // -------------------------------------------------------------------------------------------
  private readonly onVisibility = (): void => {
    const hidden = document.visibilityState === 'hidden';
    if (hidden === this.store.getState().source.hidden) return;
    this.store.getState().pageVisibilityChanged(hidden);
    if (hidden) this.pauseHidden();
    else void this.resumeVisible();
  };

  /** No new run, the camera's tracks stopped (its device remembered), playback paused. */
  private pauseHidden(): void {
    this.stopCapture();
    const { source } = this.store.getState();
    if (source.kind === 'camera' && this.stream !== null) {
      const settings = this.stream.getVideoTracks()[0]?.getSettings();
      this.hiddenCamera = settings?.deviceId ?? source.cameraId;
      this.cameraRequest++; // a camera still opening is closed when it arrives
      this.video.stop();
      stopStream(this.stream);
      this.stream = null;
    } else {
      this.video.pause();
    }
  }

  /** Runs resume on a fresh clip; the camera that was on reopens (same device). */
  private async resumeVisible(): Promise<void> {
    this.framesInClip = 0;
    this.client?.resetClip();
    const deviceId = this.hiddenCamera;
    this.hiddenCamera = undefined;
    const { source } = this.store.getState();
    if (deviceId !== undefined && source.kind === 'camera') {
      return this.reopenCamera(deviceId);
    }
    this.video.resume();
    if (source.status === 'playing') this.startCapture();
  }

  private async reopenCamera(deviceId: string | null): Promise<void> {
    await this.playCamera(deviceId, this.cameraRequest);
  }

  /**
   * Opens the camera and plays it, unless another source (or camera) was chosen, or the tab was
   * hidden, while the permission prompt was open; null then, or when it failed (said on the page).
   */
  private async playCamera(deviceId: string | null, request: number): Promise<MediaStream | null> {
    let stream: MediaStream;
    try {
      stream = await openCamera(deviceId);
    } catch (err) {
      if (request === this.cameraRequest) {
        const message = err instanceof CameraUnavailable ? err.message : cameraErrorMessage(err);
        this.store.getState().sourceFailed(message);
      }
      return null;
    }
    if (request !== this.cameraRequest || this.store.getState().source.hidden) {
      stopStream(stream);
      return null;
    }
    this.stream = stream;
    this.video.playStream(stream);
    return stream;
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
    const meta = this.store.getState().engine.metadata;
    if (video === null || meta === null) return; // started again once the model is ready
    if (this.store.getState().source.hidden) return; // started again when the tab is visible
    this.clock = initialFrameClock;
    this.stopWatching = watchVideoFrames(video, meta.video.fps, (mediaTime) =>
      this.onVideoFrame(video, mediaTime),
    );
  }

  private stopCapture(): void {
    this.stopWatching?.();
    this.stopWatching = null;
  }

  private onVideoFrame(video: HTMLVideoElement, mediaTime: number): void {
    const { engine, source, models } = this.store.getState();
    const meta = engine.metadata;
    if (engine.phase !== 'ready' || meta === null || this.client === null) return;
    // Each model gets the camera the way it was trained (files are never mirrored).
    // A rear camera is never a selfie view: only the front one is mirrored for such a model.
    const mirrored =
      source.kind === 'camera' &&
      (chosenModel(models)?.camera_mirrored ?? false) &&
      isFrontCamera(source.cameras, source.cameraId);
    // Looping sources: a file shorter than one clip keeps its clip across the loop point.
    const loop = video.loop ? { duration: video.duration, frames: meta.video.frames } : undefined;
    const step = frameDecision(this.clock, mediaTime, meta.video.fps, loop);
    this.clock = step.clock;
    if (step.decision === 'skip') return;
    if (step.decision === 'restart') {
      this.client.resetClip();
      this.framesInClip = 0;
    }
    void this.captureFrame(video, mediaTime, meta, mirrored);
  }

  private async captureFrame(
    video: HTMLVideoElement,
    mediaTime: number,
    meta: ModelMetadata,
    mirrored: boolean,
  ) {
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
    this.client.sendFrame(bitmap, mediaTime, capturedAt, mirrored);
    this.framesInClip++;
    if (this.framesInClip >= meta.video.frames) this.requestRun();
  }

  private requestRun(): void {
    const { budget } = this.store.getState();
    if (this.client === null || this.client.inFlight || budget.counts === null) return;
    if (this.store.getState().source.hidden) return; // a frame captured just before hiding
    if (this.sweepWanted) return this.trySweep();
    const baseline = this.compareBaseline();
    this.lastRunId = this.client.run(budget.counts, runEc(budget), baseline) ?? this.lastRunId;
  }

  /**
   * Compare mode: the chosen model's dense baseline, to run on the same clip in the same request
   * (the frames go to the worker once; one answer carries both). Only while the running model is
   * the chosen one: during a switch the old model's clips would be compared with the wrong pair.
   */
  private compareBaseline(): { metadataUrl: string } | undefined {
    const { compare, models, engine } = this.store.getState();
    if (!compare.enabled || engine.metadata?.name !== models.choice?.id) return undefined;
    const { baseline } = compareAvailability(models);
    return baseline === null ? undefined : { metadataUrl: this.urlOf(metadataFileOf(baseline)) };
  }
}
