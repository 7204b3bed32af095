/**
 * The offline app (vite-plugin-pwa's service worker, the web app manifest, the update prompt, the
 * storage line and warning). The only spec with service workers allowed (playwright.config.ts
 * blocks them for the others: page.route() cannot see what a service worker fetches). WASM
 * project only: nothing here depends on the backend.
 *  - offline: a first visit online installs the worker and caches the model; offline, a reload
 *    still opens the app cross-origin isolated, and samples play and are classified; no request
 *    of either visit leaves the origin;
 *  - update: a new sw.js on the server (as a deploy makes) installs and waits; the page asks,
 *    keeps running and keeps its clip log until the user says Reload; a second tab of the app is
 *    not reloaded by the first one's Reload but asks its own user;
 *  - storage: with a quota smaller than the model file the backend downloads, the page names the
 *    file and its size as the download starts and still runs the model; the same for compare
 *    mode's dense baseline.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import {
  clipTimeout,
  isModelUrl,
  launchOptionsWith,
  logRequests,
  openApp,
  readyTimeout,
  ROOT,
  runsOf,
  samples,
  screenshot,
  top1Of,
  waitForMoreRuns,
  weightsFileFor,
} from './helpers';

/** The site Playwright serves (playwright.config.ts): the harness build, service worker included. */
const SW_FILE = join(ROOT, 'dist-harness', 'sw.js');

/** Waits until the service worker controls the page and has precached the app (activated). */
async function waitForServiceWorker(page: Page): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const registration = await navigator.serviceWorker.getRegistration();
          return navigator.serviceWorker.controller !== null && registration?.active?.state;
        }),
      { timeout: 60_000, message: 'waiting for an activated service worker controlling the page' },
    )
    .toBe('activated');
  await expect(page.getByTestId('offline')).toHaveAttribute('data-state', 'ready');
}

/**
 * The model's verified copy is in Cache Storage (the worker stores it after the hash check): the
 * weights WASM runs (int8 where the metadata lists them).
 */
const modelCached = (page: Page) =>
  page.evaluate(
    async (file) =>
      (await caches.match(new URL(`models/${file}`, location.href).href, {
        ignoreSearch: true,
      })) !== undefined,
    weightsFileFor('wasm'),
  );

/** The state of the registration's waiting worker (a new version), null when there is none. */
const waitingState = (page: Page) =>
  page.evaluate(
    async () => (await navigator.serviceWorker.getRegistration())?.waiting?.state ?? null,
  );

/** A mark in the page's JavaScript world: gone once the page has reloaded. */
const markPage = (page: Page) =>
  page.evaluate(() => {
    (window as Window & { __marked?: boolean }).__marked = true;
  });
const isMarked = (page: Page) =>
  page
    .evaluate(() => (window as Window & { __marked?: boolean }).__marked ?? false)
    .catch(() => true); // mid-navigation: not reloaded yet

test.describe('with the service worker', () => {
  test.use({ serviceWorkers: 'allow' });

  test(
    'offline: after one visit the app opens, plays samples and classifies without a network',
    { tag: '@wasm-only' },
    async ({ page, context, appPath, backend }) => {
      test.setTimeout(3 * readyTimeout(backend));
      const requests = logRequests(context);

      // First visit, online: the worker installs and takes the page; the model is cached.
      await openApp(page, appPath, backend);
      await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
      await waitForServiceWorker(page);
      await expect.poll(() => modelCached(page), { timeout: 30_000 }).toBe(true);
      await expect(page.getByTestId('storage')).toContainText(/ of .* used/);
      const usage = Number(await page.getByTestId('storage').getAttribute('data-usage'));
      expect(usage, 'storage holds at least the model').toBeGreaterThan(4_000_000);
      const manifest = await page.evaluate(async () => {
        const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
        return link === null ? null : ((await (await fetch(link.href)).json()) as unknown);
      });
      expect(manifest).toMatchObject({ name: 'MoNE Live', display: 'standalone' });

      // Offline: the network is gone for the page, its workers and the service worker.
      await context.setOffline(true);
      await page.reload();
      await expect(page.getByTestId('status')).toContainText('Ready', {
        timeout: readyTimeout(backend),
      });
      await expect(page.getByTestId('backend')).toHaveText(backend);
      expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
      expect(
        Number(await page.getByTestId('wasm-threads').getAttribute('data-threads')),
        'WASM threads need the isolation',
      ).toBeGreaterThan(1);
      await expect(page.getByTestId('download-progress')).toContainText('(from cache)');
      await expect(page.getByTestId('model-downloads')).toHaveText('0');
      await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
      await waitForMoreRuns(page, 3, 3 * clipTimeout(backend));

      // Another bundled sample, also from the precache.
      const sample = samples[2]!;
      await page.getByTestId('sample-select').selectOption(sample.file);
      await expect(page.getByTestId('source-label')).toContainText(sample.label.replace(/_/g, ' '));
      await waitForMoreRuns(page, 3, 3 * clipTimeout(backend));
      expect(await top1Of(page)).not.toBeNull();
      await expect(page.getByTestId('error')).toBeEmpty();

      // The page really is offline: what the worker has not stored does not load.
      const unstored = await page.evaluate(() =>
        fetch('models/vivit-dense-s.onnx').then(
          (r) => `HTTP ${r.status}`,
          (err: unknown) => `failed: ${String(err)}`,
        ),
      );
      expect(unstored).toMatch(/^failed/);
      console.log(
        `[offline] reload offline: Ready from the service worker, top-1 ${await top1Of(page)}`,
      );
      await screenshot(page, 'offline-reload-wasm');

      // Privacy with the service worker at work: every request stayed on the page's origin,
      // and the model was downloaded once (the worker never precaches it).
      const origin = new URL(page.url()).origin;
      const foreign = requests.filter((u) => {
        const url = new URL(u);
        return !(url.origin === origin || url.protocol === 'data:' || url.protocol === 'blob:');
      });
      expect(foreign, 'requests to another origin').toEqual([]);
      expect(requests.filter(isModelUrl)).toHaveLength(1);
      console.log(
        `[offline] ${requests.length} requests in both visits, .wasm fetched ${requests.filter((u) => u.includes('.wasm')).length}×`,
      );
    },
  );

  test(
    'update: a new version waits and asks; pages keep running until their user says Reload',
    { tag: '@wasm-only' },
    async ({ page, context, appPath, backend }) => {
      test.setTimeout(4 * readyTimeout(backend));
      await openApp(page, appPath, backend);
      await waitForServiceWorker(page);
      await waitForMoreRuns(page, 3, 3 * clipTimeout(backend));
      // A second tab of the app, on the same service worker.
      const other = await context.newPage();
      await openApp(other, appPath, backend);
      await waitForMoreRuns(other, 3, 3 * clipTimeout(backend));
      const prompt = page.getByTestId('update-prompt');
      const otherPrompt = other.getByTestId('update-prompt');
      await expect(prompt).toHaveCount(0);

      const original = readFileSync(SW_FILE, 'utf8');
      try {
        // A deploy: the server's sw.js differs byte for byte. The browser checks it on the
        // next navigation or the page's hourly check; ask now.
        writeFileSync(SW_FILE, `${original}\n// a new version, ${Date.now()}\n`);
        await page.evaluate(async () => {
          await (await navigator.serviceWorker.getRegistration())?.update();
        });
        await expect(prompt).toContainText('A new version is ready.', { timeout: 30_000 });
        await expect(prompt).toContainText(
          /Reloading clears this session's clip log \(\d+ clips?\)/,
        );
        await expect(otherPrompt).toContainText('A new version is ready.');

        // Nothing changes until the user chooses: the page keeps classifying, its log grows.
        const before = await runsOf(page);
        await waitForMoreRuns(page, 3, 3 * clipTimeout(backend));
        await screenshot(page, 'update-prompt-wasm');
        await page.getByTestId('update-later').click();
        await expect(prompt).toHaveCount(0);
        await waitForMoreRuns(page, 3, 3 * clipTimeout(backend));
        expect(await runsOf(page)).toBeGreaterThan(before + 5);
        expect(await waitingState(page), 'Later leaves the new version waiting').toBe('installed');

        // Next visit: the old version still runs the page and asks again; Reload switches.
        await page.reload();
        await expect(prompt).toContainText('A new version is ready.', { timeout: 30_000 });
        await markPage(page);
        await markPage(other);
        const otherRuns = await runsOf(other);
        await page.getByTestId('update-reload').click();
        await expect
          .poll(() => isMarked(page), { timeout: 30_000, message: 'Reload reloads the page' })
          .toBe(false);
        await expect(page.getByTestId('status')).toContainText('Ready', {
          timeout: readyTimeout(backend),
        });
        expect(await waitingState(page)).toBeNull();
        await expect(prompt).toHaveCount(0);
        expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);

        // The other tab is not reloaded under its user: it says what happened and keeps its
        // clips until its own Reload.
        await expect(otherPrompt).toContainText('A new version was started in another tab');
        await expect(otherPrompt).toContainText(/clip log \(\d+ clips?\)/);
        expect(await isMarked(other)).toBe(true);
        expect(await runsOf(other)).toBeGreaterThanOrEqual(otherRuns);
        await waitForMoreRuns(other, 3, 3 * clipTimeout(backend));
        await other.getByTestId('update-reload').click();
        await expect
          .poll(() => isMarked(other), { timeout: 30_000, message: 'its Reload reloads it' })
          .toBe(false);
        await expect(otherPrompt).toHaveCount(0);
      } finally {
        writeFileSync(SW_FILE, original);
      }
    },
  );
});

test(
  'storage: a model file larger than the quota leaves is named as its download starts, and still runs',
  { tag: '@wasm-only' },
  async ({ playwright, appPath, backend, baseURL }, testInfo) => {
    test.setTimeout(2 * readyTimeout(backend) + 60_000);
    // Chromium reports a static quota (10 GiB) to estimate() unless these features are off; the
    // quota it enforces is the real one, here 1 MB for the app's origin, set through the DevTools
    // protocol. On WASM the file that downloads is the int8 one (2.0 MB; fp32 is 4.1 MB): the
    // warning names it and its size.
    const browser = await playwright.chromium.launch(
      launchOptionsWith(testInfo, [
        '--disable-features=StaticStorageQuota,IncognitoStaticStorageQuota',
      ]),
    );
    try {
      const context = await browser.newContext({ baseURL, serviceWorkers: 'block' });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      const origin = new URL(baseURL!).origin;
      await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1024 * 1024 });
      await openApp(page, appPath, backend);
      await expect(page.getByTestId('storage')).toHaveAttribute('data-quota', String(1024 * 1024));
      const error = page.getByTestId('error');
      await expect(error).toContainText('Not enough storage');
      await expect(error).toContainText(
        /MoNE ViViT-S \(mone-vivit-s\.int8\.onnx\) needs 2\.0 MB but this site has only [\d.]+ (B|KB|MB) of browser storage left/,
      );
      // It still runs: the download went ahead and the model classifies.
      await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
      await waitForMoreRuns(page, 3, 3 * clipTimeout(backend));
      await expect(page.getByTestId('model-downloads')).toHaveText('1');
      // Compare mode downloads the dense baseline beside it (int8 too, 1.2 MB): checked as well.
      await page.getByTestId('compare-toggle').check();
      await expect(error).toContainText(
        /Dense ViViT-S \(baseline\) \(vivit-dense-s\.int8\.onnx\) needs 1\.2 MB but this site has only/,
      );
      await expect(page.getByTestId('compare-table')).toBeVisible({
        timeout: readyTimeout(backend),
      });
      await screenshot(page, 'storage-warning-wasm');
    } finally {
      await browser.close();
    }
  },
);
