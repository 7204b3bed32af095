import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// WASM threads (SharedArrayBuffer) need cross-origin isolation; both the dev server and
// `vite preview` must send these. Any other static host must send them too (see README).
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
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
    rolldownOptions: {
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        // Test-only page: drives the real inference worker through the bridge for
        // e2e/engine.spec.ts, independent of the UI. Tiny, and never linked from the app.
        'engine-test': fileURLToPath(new URL('./engine-test.html', import.meta.url)),
      },
    },
  },
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
  },
});
