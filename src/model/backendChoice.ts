/**
 * Which execution provider to run on, and a sentence saying why.
 *
 * Picking WebGPU whenever an adapter exists is wrong on machines whose only adapter is a software
 * rasteriser (SwiftShader): there a run takes seconds on WebGPU and tens of milliseconds on
 * 2-thread WASM (measured, /work/shared/docs/browser-runtime.md). So 'auto' takes WebGPU only
 * for a hardware adapter; the user can force either backend.
 */
export type Backend = 'webgpu' | 'wasm';
export type BackendPreference = Backend | 'auto';

/** What the worker learns from navigator.gpu.requestAdapter() (GPUAdapter.info + features). */
export interface AdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
  readonly shaderF16: boolean;
}

export type BackendChoice =
  | { readonly ok: true; readonly backend: Backend; readonly reason: string }
  | { readonly ok: false; readonly reason: string };

// Software implementations of WebGPU that report themselves only through adapter info.
const SOFTWARE_NAMES = ['swiftshader', 'llvmpipe', 'lavapipe', 'warp', 'software'];

/** "vendor / architecture" (or the description), for reason sentences. */
export function adapterLabel(adapter: AdapterInfo): string {
  const parts = [adapter.vendor, adapter.architecture].filter((s) => s.length > 0);
  if (parts.length > 0) return parts.join(' / ');
  return adapter.description || 'unnamed adapter';
}

/** Why this adapter is a software one (e.g. "isFallbackAdapter, swiftshader"), or null if it is hardware. */
export function softwareAdapterEvidence(adapter: AdapterInfo): string | null {
  const evidence: string[] = [];
  if (adapter.isFallbackAdapter) evidence.push('isFallbackAdapter');
  const text = `${adapter.vendor} ${adapter.architecture} ${adapter.description}`.toLowerCase();
  for (const name of SOFTWARE_NAMES) if (text.includes(name)) evidence.push(name);
  return evidence.length > 0 ? evidence.join(', ') : null;
}

/**
 * WASM threads: only with cross-origin isolation (SharedArrayBuffer), and at most 4 — on 2 cores
 * 2 threads were 1.6-1.9x faster than 1 and 4 threads were 2.5x slower than 2.
 */
export function wasmThreads(crossOriginIsolated: boolean, hardwareConcurrency: number): number {
  if (!crossOriginIsolated) return 1;
  const cores = Number.isFinite(hardwareConcurrency) ? Math.floor(hardwareConcurrency) : 1;
  return Math.max(1, Math.min(4, cores));
}

export function chooseBackend(
  preference: BackendPreference,
  adapter: AdapterInfo | null,
): BackendChoice {
  const software = adapter === null ? null : softwareAdapterEvidence(adapter);
  if (preference === 'wasm') {
    return { ok: true, backend: 'wasm', reason: 'WASM was chosen by the user.' };
  }
  if (preference === 'webgpu') {
    if (adapter === null) {
      return {
        ok: false,
        reason:
          'WebGPU was requested but no WebGPU adapter is available (navigator.gpu.requestAdapter() returned null).',
      };
    }
    const note =
      software === null
        ? `adapter ${adapterLabel(adapter)}`
        : `adapter ${adapterLabel(adapter)} is a software fallback (${software}), expect slow runs`;
    return { ok: true, backend: 'webgpu', reason: `WebGPU was chosen by the user (${note}).` };
  }
  if (adapter === null) {
    return { ok: true, backend: 'wasm', reason: 'No WebGPU adapter is available; using WASM.' };
  }
  if (software !== null) {
    return {
      ok: true,
      backend: 'wasm',
      reason: `WebGPU adapter is a software fallback (${adapterLabel(adapter)}: ${software}); WASM is faster here.`,
    };
  }
  return {
    ok: true,
    backend: 'webgpu',
    reason: `Hardware WebGPU adapter found (${adapterLabel(adapter)}).`,
  };
}
