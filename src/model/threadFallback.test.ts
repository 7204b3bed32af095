import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  raceTimeout,
  singleThreadRetry,
  threadsText,
  TIMED_OUT,
  timeoutWhy,
} from './threadFallback';

describe('raceTimeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives the value when the promise settles first', async () => {
    await expect(raceTimeout(Promise.resolve(7), 1000)).resolves.toBe(7);
  });

  it('gives TIMED_OUT when the promise hangs past the deadline', async () => {
    vi.useFakeTimers();
    const raced = raceTimeout(new Promise<number>(() => undefined), 1000);
    await vi.advanceTimersByTimeAsync(999);
    let settled = false;
    void raced.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(raced).resolves.toBe(TIMED_OUT);
  });

  it('passes a rejection through', async () => {
    await expect(raceTimeout(Promise.reject(new Error('no')), 1000)).rejects.toThrow('no');
  });
});

describe('singleThreadRetry', () => {
  const failed = { ok: false as const, why: 'boom' };

  it('retries the first threaded session that failed or hung, once, on one thread', () => {
    expect(singleThreadRetry(2, true, failed)).toBe(
      'Multi-threaded WASM (2 threads) could not start: boom. Running on 1 thread.',
    );
    expect(singleThreadRetry(4, true, { ok: false, why: timeoutWhy(20_000) })).toContain(
      'building the session took more than 20 s',
    );
  });

  it('does not retry one thread, a later session or a success', () => {
    expect(singleThreadRetry(1, true, failed)).toBeNull();
    expect(singleThreadRetry(2, false, failed)).toBeNull();
    expect(singleThreadRetry(2, true, { ok: true })).toBeNull();
  });
});

describe('threadsText', () => {
  const isolated = { threads: 2, crossOriginIsolated: true };

  it('shows the count, and why it is 1', () => {
    expect(threadsText(null, null, true)).toBe('–');
    expect(threadsText(isolated, null, true)).toBe('2');
    expect(threadsText({ threads: 1, crossOriginIsolated: true }, 'It hung.', true)).toBe(
      '1 — It hung.',
    );
    expect(threadsText({ threads: 1, crossOriginIsolated: false }, null, false)).toMatch(
      /^1 — the page is not cross-origin isolated/,
    );
    expect(threadsText({ threads: 1, crossOriginIsolated: true }, null, false)).toMatch(
      /SharedArrayBuffer is unavailable/,
    );
  });

  it('ignores a stale fallback once more threads run', () => {
    expect(threadsText(isolated, 'It hung.', true)).toBe('2');
  });
});
