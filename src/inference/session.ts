/**
 * onnxruntime-web setup and the one InferenceSession.
 *
 * One onnxruntime-web build per backend, imported when a session first needs it:
 * - WebGPU: `onnxruntime-web/webgpu`, the native C++ WebGPU EP (the default `onnxruntime-web`
 *   import uses the older JS kernels, which put TopK/ScatterElements on the CPU). Its WASM binary
 *   is built with asyncify (26 MB).
 * - WASM: `onnxruntime-web/wasm`, the plain build (14 MB). The webgpu build runs the WASM EP too,
 *   but V8 compiles its binary about twice as long and the model runs slower on it until V8 has
 *   tiered it up (docs/bench/profile.md#which-onnxruntime-web-build-runs-wasm).
 * A worker runs one backend (losing WebGPU restarts it on WASM: src/client/inferenceClient.ts),
 * so it loads one build; each build gets the runtime settings when it is imported.
 */
import type * as Ort from 'onnxruntime-web/webgpu';
import type { Backend } from '../model/backendChoice';
import type { ModelMetadata } from '../model/metadata';
import { MetadataError } from '../model/metadata';
import { EngineFailure, errorMessageOf } from './engineFailure';
import { ModelRunner } from './modelRunner';

type OrtBuild = typeof Ort;

const BUILDS: Record<Backend, () => Promise<OrtBuild>> = {
  webgpu: () => import('onnxruntime-web/webgpu'),
  wasm: () => import('onnxruntime-web/wasm'),
};

let runtime: { readonly threads: number; readonly verboseLogs: boolean } | null = null;
const builds = new Map<Backend, Promise<OrtBuild>>();

/**
 * Must run before the first session: ORT reads numThreads (and starts its pthread pool) when it
 * initialises the wasm module, and ignores later changes. The first call wins; each build gets
 * these settings when it is imported.
 */
export function configureRuntime(threads: number, verboseLogs: boolean): void {
  runtime ??= { threads, verboseLogs };
}

function ortFor(backend: Backend): Promise<OrtBuild> {
  let build = builds.get(backend);
  if (build === undefined) {
    build = BUILDS[backend]().then(
      (ort) => {
        ort.env.wasm.numThreads = runtime?.threads ?? 1;
        if (runtime?.verboseLogs === true) ort.env.logLevel = 'verbose';
        return ort;
      },
      (err: unknown) => {
        builds.delete(backend); // a later session may try again (e.g. back online)
        throw err;
      },
    );
    builds.set(backend, build);
  }
  return build;
}

export interface CreatedSession {
  readonly runner: ModelRunner;
  /** The WebGPU device ORT runs on (webgpu backend only), for device-lost handling. */
  readonly device: GPUDevice | null;
}

export async function createSession(
  bytes: Uint8Array,
  backend: Backend,
  meta: ModelMetadata,
  verboseLogs: boolean,
): Promise<CreatedSession> {
  let ort: OrtBuild;
  try {
    ort = await ortFor(backend);
  } catch (err) {
    // e.g. offline before the service worker had stored the build's files
    const why = errorMessageOf(err);
    throw new EngineFailure(
      'backend-unavailable',
      `onnxruntime-web's ${backend === 'webgpu' ? 'WebGPU' : 'WASM'} runtime could not be loaded: ${why}`,
      true,
    );
  }
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      // Explicit single EP: ['webgpu', 'wasm'] would fall back silently with only a console
      // warning, and the UI must report the backend that actually runs.
      executionProviders: [backend],
      graphOptimizationLevel: 'all',
      ...(verboseLogs ? { logSeverityLevel: 0 as const, logVerbosityLevel: 0 } : {}),
    });
  } catch (err) {
    const why = errorMessageOf(err);
    throw backend === 'webgpu'
      ? new EngineFailure('backend-unavailable', `WebGPU could not load the model: ${why}`, true)
      : new EngineFailure('model-corrupt', `onnxruntime could not load the model: ${why}`, true);
  }
  let runner: ModelRunner;
  try {
    runner = new ModelRunner(session, ort.Tensor, meta);
  } catch (err) {
    await session.release();
    if (err instanceof MetadataError) {
      throw new EngineFailure(
        'model-mismatch',
        `The model file does not match its metadata: ${err.message}.`,
        true,
      );
    }
    throw err;
  }
  // After the first WebGPU session the getter resolves to the device ORT created.
  const device = backend === 'webgpu' ? await ort.env.webgpu.device : null;
  return { runner, device };
}
