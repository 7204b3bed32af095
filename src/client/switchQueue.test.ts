import { describe, expect, it } from 'vitest';
import { createSwitchQueue } from './switchQueue';

/** A switch that runs until the test ends it. */
function manualSwitches() {
  const started: string[] = [];
  const finish: (() => void)[] = [];
  let running = 0;
  let maxRunning = 0;
  const queue = createSwitchQueue<string>(
    (target) =>
      new Promise<void>((resolve) => {
        started.push(target);
        running++;
        maxRunning = Math.max(maxRunning, running);
        finish.push(() => {
          running--;
          resolve();
        });
      }),
  );
  const endCurrent = async () => {
    finish.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { queue, started, endCurrent, maxRunning: () => maxRunning };
}

describe('createSwitchQueue', () => {
  it('starts a request at once when idle', () => {
    const { queue, started } = manualSwitches();
    queue.request('wasm');
    expect(started).toEqual(['wasm']);
    expect(queue.busy).toBe(true);
    expect(queue.superseded).toBe(false);
  });

  it('runs one switch at a time; the last request wins, the ones between are skipped', async () => {
    const { queue, started, endCurrent, maxRunning } = manualSwitches();
    queue.request('webgpu');
    queue.request('auto');
    queue.request('wasm');
    queue.request('webgpu');
    queue.request('auto');
    expect(started).toEqual(['webgpu']);
    expect(queue.superseded).toBe(true);
    await endCurrent();
    expect(started).toEqual(['webgpu', 'auto']);
    expect(queue.superseded).toBe(false);
    await endCurrent();
    expect(queue.busy).toBe(false);
    expect(started).toEqual(['webgpu', 'auto']);
    expect(maxRunning()).toBe(1);
  });

  it('a request after the queue went idle starts at once again', async () => {
    const { queue, started, endCurrent } = manualSwitches();
    queue.request('a');
    await endCurrent();
    queue.request('b');
    expect(started).toEqual(['a', 'b']);
  });

  it('a failing switch does not stop the ones after it', async () => {
    const errors: unknown[] = [];
    const started: string[] = [];
    const queue = createSwitchQueue<string>(
      async (target) => {
        started.push(target);
        await Promise.resolve();
        if (target === 'bad') throw new Error('boom');
      },
      (err) => errors.push(err),
    );
    queue.request('bad');
    queue.request('good');
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual(['bad', 'good']);
    expect(errors).toHaveLength(1);
    expect(queue.busy).toBe(false);
  });

  it('runs a synchronous switch synchronously (the first engine starts without a delay)', () => {
    const started: string[] = [];
    const queue = createSwitchQueue<string>((target) => {
      started.push(target);
    });
    queue.request('wasm');
    expect(queue.busy).toBe(false);
    queue.request('webgpu');
    expect(started).toEqual(['wasm', 'webgpu']);
  });
});
