/**
 * The offline app: the service worker's state (src/app/serviceWorker.ts), a new version waiting
 * for the user, and the browser storage estimate (src/app/storageWatch.ts). A waiting version
 * never takes over by itself: the page keeps running (clip log, source, budget) until the user
 * says Reload; Later hides the prompt until the next visit asks again.
 */
import type { OfflineSlice, OfflineState, UpdateState } from './offlineTypes';
import type { SliceCreator } from './types';

export const initialOffline: OfflineState = {
  serviceWorker: 'off',
  serviceWorkerProblem: null,
  update: 'none',
  storage: null,
};

export const createOfflineSlice: SliceCreator<OfflineSlice> = (set) => {
  const patch = (p: Partial<OfflineState>) => set((s) => ({ offline: { ...s.offline, ...p } }));
  return {
    offline: initialOffline,
    serviceWorkerInstalling: () =>
      set((s) =>
        s.offline.serviceWorker === 'ready'
          ? {}
          : { offline: { ...s.offline, serviceWorker: 'installing' } },
      ),
    offlineReadied: () => patch({ serviceWorker: 'ready', serviceWorkerProblem: null }),
    serviceWorkerFailed: (problem) =>
      patch({ serviceWorker: 'failed', serviceWorkerProblem: problem }),
    // A second "waiting" (e.g. the periodic check finds the same worker) does not undo Later or
    // Reload.
    updateFound: () =>
      set((s) =>
        s.offline.update === 'none' ? { offline: { ...s.offline, update: 'waiting' } } : {},
      ),
    updateDeferred: () => patch({ update: 'deferred' }),
    updateAccepted: () => patch({ update: 'reloading' }),
    updateTookOver: () =>
      set((s) =>
        s.offline.update === 'reloading' ? {} : { offline: { ...s.offline, update: 'took-over' } },
      ),
    storageEstimated: (storage) => patch({ storage }),
  };
};

export interface UpdatePrompt {
  readonly message: string;
  /** What Reload costs: the session's clip log is in memory only. */
  readonly loses: string | null;
  /** "Later" is offered (not once Reload was pressed). */
  readonly canDefer: boolean;
}

/** What the update prompt says, or null when it is hidden. */
export function updatePrompt(update: UpdateState, loggedClips: number): UpdatePrompt | null {
  if (update === 'none' || update === 'deferred') return null;
  const loses =
    loggedClips === 0
      ? null
      : `Reloading clears this session's clip log (${loggedClips.toLocaleString('en')} clip${loggedClips === 1 ? '' : 's'}): download it first to keep it.`;
  switch (update) {
    case 'waiting':
      return { message: 'A new version is ready.', loses, canDefer: true };
    case 'took-over':
      return {
        message: 'A new version was started in another tab; reload this one to use it.',
        loses,
        canDefer: true,
      };
    case 'reloading':
      return { message: 'Starting the new version…', loses: null, canDefer: false };
  }
}

/** The runtime panel's "Offline" line. */
export function offlineText(offline: OfflineState): string {
  switch (offline.serviceWorker) {
    case 'off':
      return 'no service worker here (the dev server, or a browser without one)';
    case 'installing':
      return 'storing the app for offline use…';
    case 'ready':
      return 'ready: the app and its samples open without a network; so does each model once loaded';
    case 'failed':
      return `unavailable: the service worker did not register (${offline.serviceWorkerProblem ?? 'no reason given'})`;
  }
}

/**
 * Why registration failed, for the runtime panel. A browser that blocks service workers (a setting,
 * some private windows, an automated browser) hands workbox-window no registration, which surfaces
 * as a TypeError about its internals: say what happened instead.
 */
export function registerProblem(err: unknown): string {
  if (err instanceof TypeError) return 'the browser did not allow it here';
  return err instanceof Error ? err.message : String(err);
}
