/**
 * The offline slice's types (src/store/offlineSlice.ts), apart from it so that types.ts can name
 * them without an import cycle.
 */

/** navigator.storage.estimate()'s two numbers, in bytes. */
export interface StorageEstimateBytes {
  readonly usage: number;
  readonly quota: number;
}

/**
 * 'off': no service worker (unsupported, the dev server, blocked); 'installing': the first visit
 * is storing the app; 'ready': the app opens without a network; 'failed': registration failed.
 */
export type ServiceWorkerState = 'off' | 'installing' | 'ready' | 'failed';

/**
 * 'none': nothing new; 'waiting': a new version is installed and asks; 'deferred': the user said
 * Later; 'reloading': the user said Reload (the page reloads once the new version controls it);
 * 'took-over': the new version took over from another tab: this page runs the old code on the
 * new worker and asks for a reload, without reloading by itself.
 */
export type UpdateState = 'none' | 'waiting' | 'deferred' | 'reloading' | 'took-over';

export interface OfflineState {
  readonly serviceWorker: ServiceWorkerState;
  /** Why registration failed (shown in the runtime panel); null otherwise. */
  readonly serviceWorkerProblem: string | null;
  readonly update: UpdateState;
  /** The last navigator.storage.estimate(); null before one or where the browser gives none. */
  readonly storage: StorageEstimateBytes | null;
}

export interface OfflineSlice {
  readonly offline: OfflineState;
  serviceWorkerInstalling: () => void;
  /** The app shell is precached (first install finished, or an active worker at load). */
  offlineReadied: () => void;
  serviceWorkerFailed: (problem: string) => void;
  /** A new version is installed and waiting. */
  updateFound: () => void;
  /** "Later". */
  updateDeferred: () => void;
  /** "Reload". */
  updateAccepted: () => void;
  /** The new version controls this page although this page did not ask for it. */
  updateTookOver: () => void;
  storageEstimated: (estimate: StorageEstimateBytes | null) => void;
}
