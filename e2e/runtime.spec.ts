/**
 * The engine's start and the backend picker (WASM project only: what is checked is the page's
 * handling of engine starts, not a backend's inference).
 *  - A cold start fetches the model metadata once: the worker reads it, validates it and hands it
 *    to the page with `ready` (pages and workers are in the request log).
 *  - Flipping the backend picker fast: switches run one at a time and the last choice wins; the
 *    skipped choices start no engine, so the sessions counter (every engine of this page) shows at
 *    most one session beyond the two needed (the first load and the last choice).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import {
  clipTimeout,
  logRequests,
  openApp,
  readyTimeout,
  screenshot,
  waitForMoreRuns,
} from './helpers';

const isMetadataUrl = (url: string) => new URL(url).pathname.endsWith('/models/mone-vivit-s.json');

test(
  'a cold start fetches the model metadata once',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    const requests = logRequests(page.context());
    await openApp(page, appPath, backend);
    await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
    expect(requests.filter(isMetadataUrl), 'metadata requests (page and worker)').toHaveLength(1);
  },
);

/** Inference workers the page starts (ORT's "em-pthread" workers share the script but not the name). */
function countInferenceWorkers(page: Page): () => number {
  let started = 0;
  page.on('worker', (worker) => {
    if (!worker.url().includes('inference.worker')) return;
    // A worker that is gone before it answers counts as an inference worker (the strict reading).
    void worker
      .evaluate(() => self.name)
      .then(
        (name) => (started += name.startsWith('em-pthread') ? 0 : 1),
        () => (started += 1),
      );
  });
  return () => started;
}

test(
  'flipping the backend picker fast: one switch at a time, the last choice wins',
  {
    tag: '@wasm-only',
  },
  async ({ page, appPath, backend }) => {
    test.setTimeout(2 * readyTimeout(backend) + 30_000);
    const workers = countInferenceWorkers(page);
    await openApp(page, appPath, backend);
    await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
    await expect(page.getByTestId('sessions-created')).toHaveText('1');
    expect(workers()).toBe(1);

    // Five choices 40 ms apart (a key held down on the picker), ending on "auto" (WASM here: no
    // hardware adapter). Each one used to start a worker of its own.
    const picker = page.getByTestId('backend-select');
    await picker.evaluate(
      async (select: HTMLSelectElement, choices) => {
        for (const choice of choices) {
          select.value = choice;
          select.dispatchEvent(new Event('change', { bubbles: true }));
          await new Promise((resolve) => setTimeout(resolve, 40));
        }
      },
      ['webgpu', 'wasm', 'webgpu', 'wasm', 'auto'],
    );
    await expect(picker).toHaveValue('auto');
    await expect(page.getByTestId('status')).toHaveText('Ready', {
      timeout: readyTimeout(backend),
    });
    await expect(page.getByTestId('backend')).toHaveText('wasm');
    expect(new URL(page.url()).searchParams.get('backend')).toBeNull(); // auto is the default
    await waitForMoreRuns(page, 3, 3 * clipTimeout(backend));
    await expect(page.getByTestId('error')).toBeEmpty();

    // Engines this page started: the first, the last choice, at most one more (the one the first
    // flip started, if it got that far before the others arrived).
    expect(
      workers(),
      'inference workers: the first, the last choice, at most one more',
    ).toBeLessThanOrEqual(3);
    // Their sessions, counted by the runtime panel over every engine of the page.
    await expect
      .poll(async () => Number(await page.getByTestId('sessions-created').textContent()))
      .toBeGreaterThanOrEqual(2);
    const sessions = Number(await page.getByTestId('sessions-created').textContent());
    console.log(`[backend flips] sessions ${sessions}, inference workers started ${workers()}`);
    expect(sessions).toBeLessThanOrEqual(3);
    await screenshot(page, 'backend-flips-wasm');
  },
);
