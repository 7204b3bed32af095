/**
 * Registers the service worker that vite-plugin-pwa generates (vite.config.ts) and turns
 * workbox-window's events into store actions. registerType 'prompt': a new version installs in the
 * background and waits; the update prompt (src/components/UpdatePrompt.tsx) asks, and only the
 * tab whose user said Reload reloads. Another tab that finds the new version in control (it took
 * over the whole origin) asks too instead of reloading by itself, so no tab loses its clip log
 * without its user's say.
 */
import { registerSW } from 'virtual:pwa-register';
import type { AppStore } from '../store';
import { registerProblem } from '../store/offlineSlice';

/** How often an open page asks the server whether a new version exists. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;
/**
 * Reload after this long even if the new version never took control (it was replaced or failed
 * meanwhile): the user asked for a reload, and the next load asks again if one still waits.
 */
const TAKEOVER_TIMEOUT_MS = 10_000;

/** Set by startServiceWorker; the update prompt's Reload goes through it. */
let registered: {
  readonly store: AppStore;
  readonly applyUpdate: (reloadPage?: boolean) => Promise<void>;
} | null = null;
let accepted = false;

export function startServiceWorker(store: AppStore): void {
  if (!('serviceWorker' in navigator)) return;
  const s = () => store.getState();
  const applyUpdate = registerSW({
    immediate: true,
    onRegisteredSW: (_url, registration) => {
      if (registration === undefined) return;
      if (registration.active !== null) s().offlineReadied();
      else s().serviceWorkerInstalling();
      setInterval(() => void registration.update().catch(() => undefined), UPDATE_CHECK_MS);
    },
    onOfflineReady: () => s().offlineReadied(),
    onNeedRefresh: () => s().updateFound(),
    // The new version controls this page: reload if this page asked for it, else ask.
    onNeedReload: () => (accepted ? window.location.reload() : s().updateTookOver()),
    onRegisterError: (err: unknown) => s().serviceWorkerFailed(registerProblem(err)),
  });
  registered = { store, applyUpdate };
}

/**
 * "Reload": the waiting worker is told to take over (SKIP_WAITING); the page reloads once it
 * controls it. After another tab's takeover the new version is in control already: reload now.
 */
export function reloadForUpdate(): void {
  if (registered === null) return window.location.reload();
  const { store, applyUpdate } = registered;
  const { update } = store.getState().offline;
  accepted = true;
  store.getState().updateAccepted();
  if (update === 'took-over') return window.location.reload();
  void applyUpdate(true);
  setTimeout(() => window.location.reload(), TAKEOVER_TIMEOUT_MS);
}
