import type { SliceCreator, SourceSlice, SourceState } from './types';

export const initialSource: SourceState = {
  kind: 'none',
  status: 'idle',
  samples: [],
  sample: null,
  cameras: [],
  cameraId: null,
  fileName: null,
  mirrored: true,
  videoSize: null,
  hidden: false,
};

export const createSourceSlice: SliceCreator<SourceSlice> = (set, get) => {
  /** Every new source starts clean: no stale prediction, no stale source error. */
  const switchTo = (patch: Partial<SourceState>) => {
    get().resultsCleared();
    set((s) => ({
      source: { ...s.source, status: 'starting', videoSize: null, ...patch },
      errors: s.errors.filter((e) => e.scope !== 'source'),
    }));
  };
  return {
    source: initialSource,
    samplesLoaded: (samples) => set((s) => ({ source: { ...s.source, samples } })),
    sampleChosen: (file) => switchTo({ kind: 'sample', sample: file, fileName: null }),
    cameraRequested: (deviceId) => switchTo({ kind: 'camera', cameraId: deviceId, fileName: null }),
    camerasListed: (cameras, activeId) =>
      set((s) => ({ source: { ...s.source, cameras, cameraId: activeId ?? s.source.cameraId } })),
    cameraStopped: () => {
      get().resultsCleared();
      set((s) => ({ source: { ...s.source, kind: 'none', status: 'idle', videoSize: null } }));
    },
    fileChosen: (name) => switchTo({ kind: 'file', fileName: name }),
    sourcePlaying: (width, height) =>
      set((s) => ({ source: { ...s.source, status: 'playing', videoSize: { width, height } } })),
    sourceFailed: (message) => {
      const kind = get().source.kind;
      set((s) => ({ source: { ...s.source, status: 'failed', videoSize: null } }));
      get().errorRaised({
        scope: 'source',
        title:
          kind === 'camera'
            ? 'Camera unavailable'
            : kind === 'file'
              ? 'Cannot play this video file'
              : 'Cannot play the sample',
        message,
        severity: 'error',
      });
    },
    mirrorToggled: (on) => set((s) => ({ source: { ...s.source, mirrored: on } })),
    pageVisibilityChanged: (hidden) => set((s) => ({ source: { ...s.source, hidden } })),
  };
};
