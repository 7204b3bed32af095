import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { defineConfig } from 'vitest/config';

// WASM threads (SharedArrayBuffer) need cross-origin isolation; both the dev server and
// `vite preview` must send these. Any other static host must send them too (see README).
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Files above Workbox's 2 MiB default that the app needs offline: onnxruntime-web's .wasm binaries
 * (14 MB for WASM, 26 MB for WebGPU: src/inference/session.ts).
 */
const MAX_PRECACHED_BYTES = 64 * 1024 * 1024;

/**
 * The service worker (Workbox, generated at build; docs/architecture.md#offline-and-updates).
 * Precached: the app shell, onnxruntime-web's two builds (.wasm and their chunks: either backend,
 * and the fallback from WebGPU to WASM, must work offline), the sample clips and the models' index
 * and metadata JSON, so that the app, its samples and every model loaded once work offline. Never
 * precached: the .onnx models, which the worker keeps in its own sha256-checked Cache Storage entry
 * (src/inference/modelLoader.ts), and the golden vectors (tests only). 'prompt': a new version
 * waits until the user says Reload (src/app/serviceWorker.ts); clientsClaim lets the first install
 * control the open page at once, so the first visit is enough to work offline (an update never
 * needs it: the waiting worker takes over the open pages when the user accepts it).
 */
const pwa = VitePWA({
  registerType: 'prompt',
  injectRegister: false, // src/app/serviceWorker.ts registers it (virtual:pwa-register)
  devOptions: { enabled: false }, // `npm run dev` has no service worker
  manifest: {
    name: 'MoNE Live',
    short_name: 'MoNE Live',
    description:
      'Adaptive video classification in the browser: a Mixture-of-Nested-Experts video transformer',
    theme_color: '#31688e',
    background_color: '#f6f7f9',
    display: 'standalone',
    start_url: '.',
    scope: '.',
    icons: [
      { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
      { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any maskable' },
      { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any maskable' },
    ],
  },
  workbox: {
    globPatterns: [
      // (the manifest and its icons are added by the plugin)
      '**/*.{html,js,css,wasm}',
      'samples/*.{json,mp4,webm}',
      'models/*.json',
    ],
    globIgnores: ['models/*.golden.json', 'models/golden/**'],
    maximumFileSizeToCacheInBytes: MAX_PRECACHED_BYTES,
    clientsClaim: true,
    cleanupOutdatedCaches: true,
    // The app is one page: any navigation (e.g. /?backend=wasm&ec=0.5 offline) gets the
    // precached index.html; a path with a file extension is a file, never the app. Workbox tests
    // the path with its query, so the extension must end the path, not the query (ec=0.5).
    navigateFallback: 'index.html',
    navigateFallbackDenylist: [/^[^?]*\.[a-z0-9]+(?:\?|$)/i],
  },
});

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
    plugins: [react(), pwa],
    worker: {
      // Module workers: onnxruntime-web is ESM and the worker imports it.
      format: 'es',
    },
    optimizeDeps: {
      // Pre-bundle the worker's dependencies up front: a cold dev server that discovers
      // onnxruntime-web's builds (or CJS ajv) only when the worker starts reloads the page.
      include: [
        'onnxruntime-web',
        'onnxruntime-web/webgpu',
        'onnxruntime-web/wasm',
        'ajv/dist/2020',
      ],
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
