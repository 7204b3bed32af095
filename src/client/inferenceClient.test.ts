import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FromWorker, ToWorker } from '../workers/protocol';
import type { ClientEvent, WorkerLike } from './inferenceClient';
import { createInferenceClient, DISPOSE_TIMEOUT_MS } from './inferenceClient';

/** A Worker stand-in: records what the client posts and lets the test answer or crash. */
class FakeWorker implements WorkerLike {
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  readonly posted: { message: ToWorker; transfer: Transferable[] }[] = [];
  terminated = false;

  postMessage(message: ToWorker, transfer: Transferable[]): void {
    this.posted.push({ message, transfer });
  }
  terminate(): void {
    this.terminated = true;
  }
  emit(message: FromWorker): void {
    this.onmessage?.({ data: message } as MessageEvent<FromWorker>);
  }
  crash(message: string): void {
    let prevented = false;
    const event = { message, preventDefault: () => (prevented = true) };
    this.onerror?.(event as unknown as ErrorEvent);
    expect(prevented).toBe(true);
  }
  types(): string[] {
    return this.posted.map((p) => p.message.type);
  }
}

function setup(maxRestarts?: number) {
  const workers: FakeWorker[] = [];
  const events: ClientEvent[] = [];
  const client = createInferenceClient((e) => events.push(e), {
    createWorker: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
    ...(maxRestarts !== undefined ? { maxRestarts } : {}),
  });
  return { client, workers, events, last: () => workers[workers.length - 1]! };
}

const INIT = { metadataUrl: '/models/m.json', backend: 'webgpu' as const, warmupLevels: [0.5] };

const lost: FromWorker = {
  type: 'error',
  code: 'webgpu-lost',
  message: 'The WebGPU device was lost (unknown: gone).',
  fatal: true,
};

/** Lets the client's promise chains (dispose → next worker) run. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.useRealTimers();
});

describe('createInferenceClient', () => {
  it('starts the worker lazily and posts init', () => {
    const { client, workers } = setup();
    expect(workers).toHaveLength(0);
    client.init(INIT);
    expect(workers).toHaveLength(1);
    expect(workers[0]!.posted[0]!.message).toEqual({ type: 'init', ...INIT });
  });

  it('keeps one run in flight and frees the slot on the answer', () => {
    const { client, last } = setup();
    client.init(INIT);
    const id = client.run([0, 0, 0, 64], 1);
    expect(id).toBe(1);
    expect(client.inFlight).toBe(true);
    expect(client.run([0, 0, 0, 64], 1)).toBeNull();
    expect(client.sweep([], 1)).toBeNull();
    // An answer to another request does not free the slot.
    last().emit({ type: 'busy', requestId: 99 });
    expect(client.inFlight).toBe(true);
    last().emit({
      type: 'error',
      code: 'no-clip',
      message: 'Waiting for frames',
      requestId: 1,
      fatal: false,
    });
    expect(client.inFlight).toBe(false);
    expect(client.sweep([{ ec: 1, counts: [0, 0, 0, 64] }], 3)).toBe(2);
    expect(last().posted.at(-1)!.message).toEqual({
      type: 'sweep',
      requestId: 2,
      budgets: [{ ec: 1, counts: [0, 0, 0, 64] }],
      repeats: 3,
    });
  });

  it('compare mode: one run request names the baseline; without one the field is absent', () => {
    const { client, last } = setup();
    client.init(INIT);
    const baseline = { metadataUrl: '/models/dense.json' };
    expect(client.run([0, 0, 0, 64], 1, baseline)).toBe(1);
    expect(last().posted.at(-1)!.message).toEqual({
      type: 'run',
      requestId: 1,
      counts: [0, 0, 0, 64],
      ec: 1,
      baseline,
    });
    expect(client.run([0, 0, 0, 64], 1, baseline)).toBeNull(); // still one request in flight
    last().emit({ type: 'busy', requestId: 1 });
    client.run([0, 0, 0, 64], 1);
    expect(last().posted.at(-1)!.message).not.toHaveProperty('baseline');
  });

  it('transfers frames with the UI clock origin', () => {
    const { client, last } = setup();
    client.init(INIT);
    const bitmap = { close: () => undefined } as unknown as ImageBitmap;
    client.sendFrame(bitmap, 1.5, 1234);
    const { message, transfer } = last().posted.at(-1)!;
    expect(message).toEqual({
      type: 'frame',
      bitmap,
      time: 1.5,
      capturedAt: 1234,
      timeOrigin: performance.timeOrigin,
      mirrored: false,
    });
    expect(transfer).toEqual([bitmap]);
    client.sendFrame(bitmap, 1.6, 1300, true);
    expect(last().posted.at(-1)!.message).toMatchObject({ type: 'frame', mirrored: true });
  });

  it('switches models on the same worker, and a restart loads the model switched to', () => {
    const { client, workers, last } = setup();
    client.init(INIT);
    const other = { metadataUrl: '/models/other.json', warmupLevels: [1] };
    client.useModel(other);
    expect(workers).toHaveLength(1);
    expect(last().posted.at(-1)!.message).toEqual({ type: 'useModel', ...other });
    workers[0]!.crash('boom');
    expect(workers).toHaveLength(2);
    expect(last().posted[0]!.message).toEqual({
      type: 'init',
      ...INIT,
      ...other,
      backend: 'wasm',
    });
  });

  it('restarts a crashed worker on WASM and re-sends init', () => {
    const { client, workers, events, last } = setup();
    client.init(INIT);
    client.run([0, 0, 0, 64], 1);
    workers[0]!.crash('out of memory');
    expect(workers[0]!.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(events).toEqual([
      {
        type: 'restarted',
        reason: 'The inference worker crashed (out of memory).',
        backend: 'wasm',
      },
    ]);
    expect(last().posted[0]!.message).toEqual({ type: 'init', ...INIT, backend: 'wasm' });
    // The lost run no longer blocks new ones; late messages from the dead worker are ignored.
    expect(client.inFlight).toBe(false);
    workers[0]!.emit({ type: 'busy', requestId: 1 });
    expect(events).toHaveLength(1);
  });

  it('passes a lost WebGPU device on, then restarts on WASM', () => {
    const { client, workers, events } = setup();
    client.init(INIT);
    workers[0]!.emit(lost);
    expect(events.map((e) => e.type)).toEqual(['error', 'restarted']);
    expect(events[1]).toMatchObject({ type: 'restarted', backend: 'wasm' });
    expect(events[1]).toHaveProperty('reason', `${lost.message} Restarted on WASM.`);
    expect(workers).toHaveLength(2);
    expect(workers[1]!.types()).toEqual(['init']);
  });

  it('gives up after maxRestarts', () => {
    const { client, workers, events } = setup(1);
    client.init(INIT);
    workers[0]!.crash('boom');
    workers[1]!.crash('boom');
    expect(workers).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'internal', fatal: true });
    expect(client.run([0, 0, 0, 64], 1)).toBeNull();
    expect(workers).toHaveLength(2);
  });

  it('init again disposes the worker, then starts a fresh one (one session per worker)', async () => {
    const { client, workers, events } = setup();
    client.init(INIT);
    client.init({ ...INIT, backend: 'wasm' });
    expect(workers[0]!.types()).toEqual(['init', 'dispose']);
    expect(workers[0]!.terminated).toBe(false); // its session is being released
    expect(workers).toHaveLength(1);
    workers[0]!.emit({ type: 'disposed', sessionsCreated: 1, sessionsByModel: {} });
    await flush();
    expect(workers[0]!.terminated).toBe(true);
    expect(workers[1]!.posted[0]!.message).toMatchObject({ type: 'init', backend: 'wasm' });
    expect(events).toEqual([{ type: 'disposed', sessionsCreated: 1, sessionsByModel: {} }]);
  });

  it('switches one at a time: the last request wins, the ones between start nothing', async () => {
    const { client, workers } = setup();
    client.init(INIT);
    for (const backend of ['wasm', 'auto', 'webgpu', 'wasm', 'auto'] as const) {
      client.init({ ...INIT, backend });
    }
    // One dispose, no second worker until the first has let go of its session.
    expect(workers).toHaveLength(1);
    expect(workers[0]!.types()).toEqual(['init', 'dispose']);
    // What the retiring worker still says (a late result, its ready) is not passed on.
    workers[0]!.emit({ type: 'busy', requestId: 1 });
    workers[0]!.emit({ type: 'disposed', sessionsCreated: 1, sessionsByModel: {} });
    await flush();
    expect(workers).toHaveLength(2);
    expect(workers[1]!.posted.map((p) => p.message)).toEqual([
      { type: 'init', ...INIT, backend: 'auto' },
    ]);
  });

  it('drops messages and runs between engines instead of starting a worker for them', async () => {
    const { client, workers } = setup();
    client.init(INIT);
    client.init({ ...INIT, backend: 'wasm' });
    let closed = false;
    client.sendFrame({ close: () => (closed = true) } as unknown as ImageBitmap, 0, 0);
    expect(closed).toBe(true);
    expect(client.run([0, 0, 0, 64], 1)).toBeNull();
    client.requestStats();
    expect(workers).toHaveLength(1);
    expect(workers[0]!.types()).toEqual(['init', 'dispose']);
    workers[0]!.emit({ type: 'disposed', sessionsCreated: 0, sessionsByModel: {} });
    await flush();
    expect(client.run([0, 0, 0, 64], 1)).not.toBeNull(); // the new engine takes requests
  });

  it('a model chosen between engines is loaded by the engine that starts next', async () => {
    const { client, workers } = setup();
    client.init(INIT);
    client.init({ ...INIT, backend: 'wasm' });
    const other = { metadataUrl: '/models/other.json' };
    client.useModel(other);
    expect(workers[0]!.types()).toEqual(['init', 'dispose']); // not sent to the retiring one
    workers[0]!.emit({ type: 'disposed', sessionsCreated: 1, sessionsByModel: { m: 1 } });
    await flush();
    expect(workers[1]!.posted.map((p) => p.message)).toEqual([
      { type: 'init', ...INIT, backend: 'wasm', ...other },
    ]);
    // An init asked for after the model switch carries its own model.
    client.useModel({ metadataUrl: '/models/third.json' });
    client.init({ ...INIT, backend: 'auto' });
    workers[1]!.emit({ type: 'disposed', sessionsCreated: 1, sessionsByModel: { other: 1 } });
    await flush();
    expect(workers[2]!.posted.map((p) => p.message)).toEqual([
      { type: 'init', ...INIT, backend: 'auto' },
    ]);
  });

  it('ends a worker that does not answer dispose in time, then starts the next', async () => {
    vi.useFakeTimers();
    const { client, workers } = setup();
    client.init(INIT);
    client.init({ ...INIT, backend: 'wasm' });
    await vi.advanceTimersByTimeAsync(DISPOSE_TIMEOUT_MS - 1);
    expect(workers).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(workers[0]!.terminated).toBe(true);
    expect(workers[1]!.types()).toEqual(['init']);
  });

  it('dispose terminates the worker and closes later frames', () => {
    const { client, workers } = setup();
    client.init(INIT);
    client.dispose();
    expect(workers[0]!.terminated).toBe(true);
    let closed = false;
    client.sendFrame({ close: () => (closed = true) } as unknown as ImageBitmap, 0, 0);
    expect(closed).toBe(true);
    client.requestStats();
    expect(workers).toHaveLength(1);
    expect(workers[0]!.types()).toEqual(['init']);
  });

  it('release: the worker disposes and is ended, none starts until the next init', async () => {
    const { client, workers, events, last } = setup();
    client.init(INIT);
    client.run([0, 0, 0, 64], 1);
    client.release();
    expect(client.inFlight).toBe(false);
    expect(client.run([0, 0, 0, 64], 1)).toBeNull(); // no engine now
    expect(workers[0]!.types()).toEqual(['init', 'run', 'dispose']);
    expect(workers[0]!.terminated).toBe(false);
    const disposed = { type: 'disposed', sessionsCreated: 1, sessionsByModel: { m: 1 } } as const;
    workers[0]!.emit(disposed);
    await flush();
    expect(workers[0]!.terminated).toBe(true);
    expect(events).toEqual([disposed, { type: 'released' }]);
    expect(workers).toHaveLength(1);
    client.init(INIT);
    expect(workers).toHaveLength(2);
    expect(last().types()).toEqual(['init']);
  });

  it('release ends a worker that does not answer in time; a release with none is immediate', async () => {
    vi.useFakeTimers();
    const { client, workers, events } = setup();
    client.init(INIT);
    client.release();
    await vi.advanceTimersByTimeAsync(DISPOSE_TIMEOUT_MS);
    expect(workers[0]!.terminated).toBe(true);
    expect(events).toEqual([{ type: 'released' }]);
    client.release();
    expect(events).toEqual([{ type: 'released' }, { type: 'released' }]);
  });

  it('threads-unavailable: a fresh worker on one thread, once, and every later init too', async () => {
    const { client, workers, events, last } = setup();
    client.init(INIT);
    const failed: FromWorker = {
      type: 'error',
      code: 'threads-unavailable',
      message: 'Multi-threaded WASM (2 threads) could not start: it hung. Running on 1 thread.',
      fatal: true,
    };
    workers[0]!.emit(failed);
    expect(workers[0]!.terminated).toBe(true);
    expect(events).toEqual([{ type: 'threadsFallback', reason: failed.message }]);
    expect(last().posted[0]!.message).toEqual({ type: 'init', ...INIT, maxThreads: 1 });
    // Should it come again, it is an error like any other (no loop).
    last().emit(failed);
    expect(events.at(-1)).toEqual(failed);
    expect(workers).toHaveLength(2);
    client.init({ ...INIT, backend: 'wasm' });
    workers[1]!.emit({ type: 'disposed', sessionsCreated: 0, sessionsByModel: {} });
    await flush();
    expect(workers).toHaveLength(3);
    expect(last().posted[0]!.message).toMatchObject({ backend: 'wasm', maxThreads: 1 });
  });
});
