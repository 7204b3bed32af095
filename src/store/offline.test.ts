import { describe, expect, it } from 'vitest';
import { createAppStore } from './index';
import { offlineText, registerProblem, updatePrompt } from './offlineSlice';
import { readyEvent, resultFor, shippedMetadata } from './testing';

describe('offline slice: the service worker', () => {
  it('goes off → installing → ready, and a later "installing" does not undo ready', () => {
    const store = createAppStore();
    const s = () => store.getState();
    expect(s().offline.serviceWorker).toBe('off');
    s().serviceWorkerInstalling();
    expect(s().offline.serviceWorker).toBe('installing');
    s().offlineReadied();
    expect(s().offline.serviceWorker).toBe('ready');
    s().serviceWorkerInstalling();
    expect(s().offline.serviceWorker).toBe('ready');
  });

  it('keeps why registration failed, for the runtime panel', () => {
    const store = createAppStore();
    store.getState().serviceWorkerFailed('blocked');
    expect(store.getState().offline).toMatchObject({ serviceWorker: 'failed' });
    expect(offlineText(store.getState().offline)).toContain('(blocked)');
  });
});

describe('offline slice: the update prompt', () => {
  it('asks when a new version waits; Later hides it and a repeated "waiting" does not bring it back', () => {
    const store = createAppStore();
    const s = () => store.getState();
    expect(updatePrompt(s().offline.update, 0)).toBeNull();
    s().updateFound();
    expect(updatePrompt(s().offline.update, 0)).toEqual({
      message: 'A new version is ready.',
      loses: null,
      canDefer: true,
    });
    s().updateDeferred();
    expect(updatePrompt(s().offline.update, 0)).toBeNull();
    s().updateFound(); // the hourly check finds the same waiting worker
    expect(s().offline.update).toBe('deferred');
  });

  it('Reload shows progress without Later, and a takeover then does not ask again', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().updateFound();
    s().updateAccepted();
    expect(updatePrompt(s().offline.update, 5)).toEqual({
      message: 'Starting the new version…',
      loses: null,
      canDefer: false,
    });
    s().updateTookOver();
    expect(s().offline.update).toBe('reloading');
  });

  it('a takeover from another tab asks this one to reload, even after Later', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().updateFound();
    s().updateDeferred();
    s().updateTookOver();
    expect(updatePrompt(s().offline.update, 0)?.message).toMatch(/another tab/);
  });

  it('says what Reload would clear: the clip log stays until the user chooses', () => {
    const store = createAppStore();
    const s = () => store.getState();
    const meta = shippedMetadata();
    s().initRequested('wasm');
    s().engineReady(readyEvent(meta));
    for (let i = 0; i < 3; i++) s().clipScored(resultFor(meta, 0.5), i);
    s().updateFound();
    s().updateDeferred();
    expect(s().results.log.entries).toHaveLength(3);
    expect(updatePrompt('waiting', s().results.log.entries.length)?.loses).toBe(
      "Reloading clears this session's clip log (3 clips): download it first to keep it.",
    );
    expect(updatePrompt('waiting', 1)?.loses).toContain('(1 clip)');
    expect(updatePrompt('waiting', 12345)?.loses).toContain('(12,345 clips)');
  });
});

describe('registerProblem', () => {
  it("says the browser did not allow it for workbox-window's TypeError; passes other reasons", () => {
    expect(
      registerProblem(new TypeError("Cannot read properties of undefined (reading 'waiting')")),
    ).toBe('the browser did not allow it here');
    expect(registerProblem(new Error('SecurityError: insecure origin'))).toBe(
      'SecurityError: insecure origin',
    );
    expect(registerProblem('boom')).toBe('boom');
  });
});
