import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// WASM threads (SharedArrayBuffer) need cross-origin isolation; both the dev server and
// `vite preview` must send these. Any other static host must send them too (see README).
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * `vite build` (npm run build) → dist/: the app only (index.html). `vite build --mode harness` →
 * dist-harness/: the app plus the test-only page e2e/harness/inference.html, which drives the real
 * inference worker through the inference client for e2e/inference.spec.ts; the e2e suite builds
 * and serves that site (playwright.config.ts). scripts/check-build.mjs keeps harness pages out of
 * dist/.
 */
export default defineConfig(({ mode }) => {
  const harness = mode === 'harness';
  const page = (path: string) => fileURLToPath(new URL(path, import.meta.url));
  return {
    plugins: [react()],
    worker: {
      // Module workers: onnxruntime-web is ESM and the worker imports it.
      format: 'es',
    },
    optimizeDeps: {
      // Pre-bundle the worker's dependencies up front: a cold dev server that discovers
      // `onnxruntime-web/webgpu` (or CJS ajv) only when the worker starts reloads the page.
      include: ['onnxruntime-web', 'onnxruntime-web/webgpu', 'ajv/dist/2020'],
    },
    build: {
      outDir: harness ? 'dist-harness' : 'dist',
      rolldownOptions: {
        input: {
          main: page('./index.html'),
          ...(harness ? { 'harness-inference': page('./e2e/harness/inference.html') } : {}),
        },
      },
    },
    server: { headers: crossOriginIsolation },
    preview: { headers: crossOriginIsolation },
    test: {
      environment: 'node',
      include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    },
  };
});
