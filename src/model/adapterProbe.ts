/**
 * What WebGPU adapter this context (the worker, or the page when it must know the backend before
 * choosing a model) would get, if any (never throws).
 */
import type { AdapterInfo } from './backendChoice';

export async function probeAdapter(): Promise<AdapterInfo | null> {
  // navigator.gpu is undefined where WebGPU is off; requestAdapter() resolves null when the
  // browser has no usable adapter (Chromium without --enable-unsafe-webgpu on Linux).
  const gpu = (navigator as { gpu?: GPU }).gpu;
  if (gpu === undefined) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (adapter === null) return null;
    const info = adapter.info;
    return {
      vendor: info.vendor,
      architecture: info.architecture,
      description: info.description,
      // Newer spelling on GPUAdapterInfo; older Chromium had it on the adapter itself.
      isFallbackAdapter:
        info.isFallbackAdapter ??
        (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter ??
        false,
      shaderF16: adapter.features.has('shader-f16'),
    };
  } catch {
    return null;
  }
}
