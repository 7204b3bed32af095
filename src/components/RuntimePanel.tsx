import { useId, useMemo } from 'react';
import { useAppState, useController } from '../app/context';
import {
  cameraFramesText,
  chosenModel,
  formatBytes,
  latencyStats,
  pageSessions,
  sessionsText,
} from '../store/selectors';
import { offlineText } from '../store/offlineSlice';
import { storageText } from '../store/storage';
import { MAX_LOADED_MODELS } from '../model/modelsIndex';
import { threadsText } from '../model/threadFallback';
import type { BackendPreference, WeightsPreference } from '../workers/protocol';

const ms = (x: number | null) => (x === null ? '–' : `${x.toFixed(1)} ms`);

/** Backend and why, model, download/warm-up progress, throughput, latency percentiles, counters. */
export function RuntimePanel() {
  const controller = useController();
  const engine = useAppState((s) => s.engine);
  const history = useAppState((s) => s.results.history);
  const runs = useAppState((s) => s.results.runs);
  const model = chosenModel(useAppState((s) => s.models));
  const offline = useAppState((s) => s.offline);
  const id = useId();
  const stats = useMemo(() => latencyStats(history), [history]);
  const { backend, metadata: meta, load, warmup, stats: counters, weights } = engine;
  const sessions = pageSessions(engine);
  const adapter = backend?.adapter;

  return (
    <section className="panel runtime" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Runtime</h2>
      <div className="controls-row">
        <label htmlFor={`${id}-backend`}>Backend</label>
        <select
          id={`${id}-backend`}
          value={engine.preference}
          onChange={(e) => controller.chooseBackend(e.target.value as BackendPreference)}
          data-testid="backend-select"
        >
          <option value="auto">Auto</option>
          <option value="webgpu">WebGPU</option>
          <option value="wasm">WASM</option>
        </select>
        <label htmlFor={`${id}-weights`}>Weights</label>
        <select
          id={`${id}-weights`}
          value={engine.weightsPreference}
          onChange={(e) => controller.chooseWeights(e.target.value as WeightsPreference)}
          title="Auto runs int8 weights where the model's metadata lists them for the backend (measured on its test split); fp32 always runs the exported weights"
          data-testid="weights-select"
        >
          <option value="auto">Auto (int8 where measured)</option>
          <option value="fp32">fp32 only</option>
        </select>
        <button type="button" onClick={() => controller.clearCache()} data-testid="clear-cache">
          Clear model cache
        </button>
        {engine.phase === 'released' ? (
          <button type="button" onClick={() => controller.resume()} data-testid="engine-resume">
            Resume
          </button>
        ) : (
          <button
            type="button"
            onClick={() => controller.release()}
            disabled={engine.phase === 'idle'}
            title="Free the model sessions and the worker until the next run"
            data-testid="engine-release"
          >
            Release
          </button>
        )}
      </div>
      <p className="muted" role="status" data-testid="release-status">
        {engine.phase === 'released' ? 'Released — runs resume on demand' : ''}
      </p>
      <dl className="facts">
        <dt>Running on</dt>
        <dd>
          {backend === null ? '–' : <code data-testid="backend">{backend.backend}</code>}
          {backend !== null && <span className="muted"> — {backend.reason}</span>}
        </dd>
        {engine.restartReason !== null && (
          <>
            <dt>Last restart</dt>
            <dd>{engine.restartReason}</dd>
          </>
        )}
        <dt>Adapter</dt>
        <dd>
          {adapter
            ? `${[adapter.vendor, adapter.architecture].filter(Boolean).join(' / ') || adapter.description}${adapter.isFallbackAdapter ? ' (software fallback)' : ''}`
            : 'none'}
        </dd>
        <dt>WASM threads</dt>
        <dd data-testid="wasm-threads" data-threads={backend?.threads ?? ''}>
          {threadsText(
            backend,
            engine.threadsFallback,
            typeof globalThis.SharedArrayBuffer !== 'undefined',
          )}
        </dd>
        <dt>Model</dt>
        <dd data-testid="runtime-model" data-model={meta?.name ?? ''}>
          {meta === null
            ? '–'
            : `${meta.name} ${meta.version}, ${formatBytes(weights?.bytes ?? meta.model_bytes)}`}
        </dd>
        <dt>Weights</dt>
        <dd data-testid="weights" data-kind={weights?.kind ?? ''} data-file={weights?.file ?? ''}>
          {weights === null ? '–' : weights.reason}
        </dd>
        <dt>Camera frames</dt>
        <dd data-testid="camera-mirroring">{model === null ? '–' : cameraFramesText(model)}</dd>
        <dt>Download</dt>
        <dd data-testid="download-progress">
          {load === null
            ? '–'
            : `${load.loadedBytes.toLocaleString()} / ${load.totalBytes.toLocaleString()} bytes${load.fromCache ? ' (from cache)' : ''}`}
        </dd>
        <dt>Warm-up</dt>
        <dd>
          {warmup === null ? '–' : `${warmup.done} / ${warmup.total} budgets`}
          {engine.warmupMs !== null && ` in ${(engine.warmupMs / 1000).toFixed(1)} s`}
        </dd>
        <dt>Clips per second</dt>
        <dd data-testid="clips-per-second">{stats.clipsPerSecond?.toFixed(1) ?? '–'}</dd>
        <dt>Model run p50 / p95</dt>
        <dd>
          <span data-testid="latency-p50">{ms(stats.p50)}</span> /{' '}
          <span data-testid="latency-p95">{ms(stats.p95)}</span>
        </dd>
        <dt>Last run / end to end p50</dt>
        <dd>
          <span data-testid="latency-last">{ms(stats.lastRunMs)}</span> / {ms(stats.p50EndToEnd)}
        </dd>
        <dt>Clips classified</dt>
        <dd data-testid="runs">{runs}</dd>
        <dt>Sessions created</dt>
        <dd data-testid="sessions-created" title="By every engine this page started">
          {sessions.sessionsCreated}
        </dd>
        <dt>Sessions per model</dt>
        <dd
          data-testid="sessions-by-model"
          data-sessions={JSON.stringify(sessions.sessionsByModel)}
          title="By every engine this page started"
        >
          {sessionsText(sessions)}
        </dd>
        <dt>Loaded models</dt>
        <dd data-testid="loaded-models">
          {counters === null || counters.loadedModels.length === 0
            ? '–'
            : `${counters.loadedModels.join(', ')} (at most ${MAX_LOADED_MODELS}; the least recently used is released)`}
        </dd>
        <dt>Model downloads</dt>
        <dd data-testid="model-downloads">{counters?.modelDownloads ?? 0}</dd>
        <dt>Frames received / dropped</dt>
        <dd>
          {counters === null ? '–' : `${counters.framesReceived} / ${counters.framesDropped}`}
        </dd>
        <dt>Storage</dt>
        <dd
          data-testid="storage"
          data-usage={offline.storage?.usage ?? ''}
          data-quota={offline.storage?.quota ?? ''}
        >
          {storageText(offline.storage)}
        </dd>
        <dt>Offline</dt>
        <dd data-testid="offline" data-state={offline.serviceWorker}>
          {offlineText(offline)}
        </dd>
        <dt>WASM memory</dt>
        <dd data-testid="wasm-memory">
          {counters?.wasmMemoryBytes == null ? '–' : formatBytes(counters.wasmMemoryBytes)}
        </dd>
      </dl>
      {engine.cacheRemoved !== null && (
        <p className="muted" role="status">
          Cache cleared ({engine.cacheRemoved} file{engine.cacheRemoved === 1 ? '' : 's'}); the
          model downloads again next time it loads.
        </p>
      )}
    </section>
  );
}
