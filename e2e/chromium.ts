/**
 * Debian's Chromium and the flags that work on this machine (../shared/docs/browser-runtime.md),
 * shared by the Playwright config and the benchmark so both run the same browser the same way.
 * Playwright's own browser downloads are unavailable here. --enable-unsafe-webgpu is the only flag
 * that yields a WebGPU adapter (software, SwiftShader); the background-networking flags stop
 * Chromium's own connections being refused en masse.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];
