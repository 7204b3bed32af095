/**
 * onnxruntime-web setup and the one InferenceSession.
 *
 * `onnxruntime-web/webgpu` is the native C++ WebGPU EP (the default `onnxruntime-web` import uses
 * the older JS kernels, which put TopK/ScatterElements on the CPU); the same bundle runs the WASM
 * EP, so both backends come from one artifact.
 */
import * as ort from 'onnxruntime-web/webgpu';
import type { Backend } from '../model/backendChoice';
import type { ModelMetadata } from '../model/metadata';
import { MetadataError } from '../model/metadata';
import { EngineFailure, errorMessageOf } from './engineFailure';
import { ModelRunner } from './modelRunner';

let configured = false;

/**
 * Must run before the first session: ORT reads numThreads (and starts its pthread pool) when it
 * initialises the wasm module, and ignores later changes.
 */
export function configureRuntime(threads: number, verboseLogs: boolean): void {
  if (configured) return;
  ort.env.wasm.numThreads = threads;
  if (verboseLogs) ort.env.logLevel = 'verbose';
  configured = true;
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
  let session: ort.InferenceSession;
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
