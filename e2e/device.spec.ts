/**
 * Kind to the device (WASM project only: nothing here depends on the backend).
 *  - A hidden tab (document.visibilityState overridden, 'visibilitychange' dispatched) starts no
 *    run, pauses a sample and stops the camera's tracks; visible again, runs resume and the same
 *    camera reopens. A status says so.
 *  - Release frees the sessions and the worker; Resume (or playing a sample) loads the model again
 *    from Cache Storage: one session, no second download.
 *  - Front/rear flip: hidden with one camera, offered with a front and a rear one.
 *  - A page served without cross-origin isolation runs on one WASM thread and says why.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import {
  clipTimeout,
  isModelUrl,
  launchOptionsWith,
  logPageProblems,
  logRequests,
  openApp,
  readyTimeout,
  runsOf,
  screenshot,
  waitForMoreRuns,
} from './helpers';

/** Makes the page report `hidden` (or visible again) and tells it, as a tab switch would. */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    if (h) {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    } else {
      // Deleting the own properties brings the real (visible) getters back.
      delete (document as { visibilityState?: unknown }).visibilityState;
      delete (document as { hidden?: unknown }).hidden;
    }
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/** No clip is classified for `ms` (after a short settle for a run already in flight). */
async function expectNoRuns(page: Page, ms: number): Promise<void> {
  await page.waitForTimeout(500);
  const before = await runsOf(page);
  await page.waitForTimeout(ms);
  expect(await runsOf(page), `no run in ${ms} ms`).toBe(before);
}

const videoState = (page: Page) =>
  page.evaluate(() => {
    const video = document.querySelector('video')!;
    const track = (video.srcObject as MediaStream | null)?.getVideoTracks()[0];
    return {
      paused: video.paused,
      readyState: track?.readyState ?? null,
      deviceId: track?.getSettings().deviceId ?? null,
    };
  });

test(
  'hidden tab: no runs, the sample paused and the camera stopped; visible: all back',
  { tag: '@wasm-only' },
  async ({ browser, baseURL, appPath, backend }) => {
    test.setTimeout(readyTimeout(backend) + 90_000);
    const context = await browser.newContext({
      baseURL,
      permissions: ['camera'],
      serviceWorkers: 'block',
    });
    try {
      const page = await context.newPage();
      await openApp(page, appPath, backend);
      await waitForMoreRuns(page, 3, 3 * clipTimeout(backend));

      // The bundled sample.
      await setHidden(page, true);
      await expect(page.getByTestId('visibility-status')).toHaveText(
        'Paused while the tab is hidden',
      );
      await expectNoRuns(page, 2000);
      expect((await videoState(page)).paused).toBe(true);
      await setHidden(page, false);
      await expect(page.getByTestId('visibility-status')).toBeEmpty();
      await waitForMoreRuns(page, 3, 3 * clipTimeout(backend));
      expect((await videoState(page)).paused).toBe(false);

      // The camera (Chromium's one fake device: no front/rear flip to offer).
      await page.getByTestId('camera-start').click();
      await expect(page.getByTestId('source-label')).toHaveText('Now: camera');
      await waitForMoreRuns(page, 3, 3 * clipTimeout(backend));
      await expect(page.getByTestId('camera-flip')).toHaveCount(0);
      const live = await videoState(page);
      expect(live.readyState).toBe('live');
      await page.evaluate(() => {
        (window as { __stream?: unknown }).__stream = document.querySelector('video')!.srcObject;
      });

      await setHidden(page, true);
      await expectNoRuns(page, 2000);
      const tracks = await page.evaluate(() =>
        (window as unknown as { __stream: MediaStream }).__stream
          .getTracks()
          .map((t) => t.readyState),
      );
      expect(tracks).toEqual(['ended']);
      await screenshot(page, 'hidden-tab-wasm');

      await setHidden(page, false);
      await waitForMoreRuns(page, 3, 3 * clipTimeout(backend));
      const back = await videoState(page);
      expect(back.readyState).toBe('live');
      expect(back.deviceId).toBe(live.deviceId);
      await expect(page.getByTestId('source-label')).toHaveText('Now: camera');
      await expect(page.getByTestId('error')).toBeEmpty();
    } finally {
      await context.close();
    }
  },
);

test(
  'release frees the sessions and the worker; resume loads from the cache, no second download',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    test.setTimeout(3 * readyTimeout(backend) + 30_000);
    const requests = logRequests(page.context());
    await openApp(page, appPath, backend);
    await waitForMoreRuns(page, 3, 3 * clipTimeout(backend));
    await expect(page.getByTestId('sessions-created')).toHaveText('1');
    await expect(page.getByTestId('model-downloads')).toHaveText('1');
    expect(page.workers().length).toBeGreaterThan(0);

    await page.getByTestId('engine-release').click();
    await expect(page.getByTestId('release-status')).toHaveText('Released — runs resume on demand');
    await expect(page.getByTestId('status')).toHaveText('Released');
    await expect(page.getByTestId('loaded-models')).toHaveText('–');
    await expect.poll(() => page.workers().length, { message: 'worker terminated' }).toBe(0);
    await expectNoRuns(page, 1500);

    // Resume: a fresh worker, the model from Cache Storage.
    await page.getByTestId('engine-resume').click();
    await expect(page.getByTestId('status')).toHaveText('Ready', {
      timeout: readyTimeout(backend),
    });
    await expect(page.getByTestId('release-status')).toBeEmpty();
    await waitForMoreRuns(page, 3, 3 * clipTimeout(backend));
    await expect(page.getByTestId('download-progress')).toContainText('(from cache)');
    // The page counts every engine's sessions: one before Release, one after.
    await expect(page.getByTestId('sessions-created')).toHaveText('2');
    await expect(page.getByTestId('sessions-by-model')).toHaveAttribute(
      'data-sessions',
      '{"mone-vivit-s":2}',
    );
    await expect(page.getByTestId('model-downloads')).toHaveText('0');

    // On demand: playing a sample after Release loads the engine again.
    await page.getByTestId('engine-release').click();
    await expect(page.getByTestId('status')).toHaveText('Released');
    await page.getByTestId('sample-play').click();
    await expect(page.getByTestId('status')).toHaveText('Ready', {
      timeout: readyTimeout(backend),
    });
    await waitForMoreRuns(page, 3, 3 * clipTimeout(backend));
    await expect(page.getByTestId('sessions-created')).toHaveText('3');
    await expect(page.getByTestId('model-downloads')).toHaveText('0');
    expect(requests.filter(isModelUrl), 'the model was downloaded once').toHaveLength(1);
    await expect(page.getByTestId('error')).toBeEmpty();
  },
);

test(
  'front/rear flip: offered where the device has a front and a rear camera',
  { tag: '@wasm-only' },
  async ({ playwright, baseURL, appPath, backend }, testInfo) => {
    test.setTimeout(readyTimeout(backend) + 60_000);
    // Two fake devices; their labels say which way they face, as a phone's do.
    const browser = await playwright.chromium.launch(
      launchOptionsWith(
        testInfo,
        ['--use-fake-device-for-media-stream=device-count=2'],
        ['--use-fake-device-for-media-stream'],
      ),
    );
    try {
      const context = await browser.newContext({
        baseURL,
        permissions: ['camera'],
        serviceWorkers: 'block',
      });
      await context.addInitScript(() => {
        const media = navigator.mediaDevices;
        const enumerate = media.enumerateDevices.bind(media);
        media.enumerateDevices = async () => {
          const devices = await enumerate();
          let n = 0;
          return devices.map((d) => {
            if (d.kind !== 'videoinput') return d;
            const label = n++ === 0 ? 'Front Camera' : 'Back Camera';
            return { deviceId: d.deviceId, groupId: d.groupId, kind: d.kind, label } as never;
          });
        };
      });
      const page = await context.newPage();
      logPageProblems(page);
      await openApp(page, appPath, backend);
      await page.getByTestId('camera-start').click();
      await expect(page.getByTestId('source-label')).toHaveText('Now: camera');
      const flip = page.getByTestId('camera-flip');
      await expect(flip).toHaveText('Use rear camera');
      const front = (await videoState(page)).deviceId;
      await flip.click();
      await expect(flip).toHaveText('Use front camera');
      await expect.poll(async () => (await videoState(page)).deviceId).not.toBe(front);
      await waitForMoreRuns(page, 3, 3 * clipTimeout(backend));
      await flip.click();
      await expect(flip).toHaveText('Use rear camera');
      await expect.poll(async () => (await videoState(page)).deviceId).toBe(front);
      await context.close();
    } finally {
      await browser.close();
    }
  },
);

test(
  'without cross-origin isolation the app runs on one WASM thread and says why',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    test.setTimeout(readyTimeout(backend) + 30_000);
    logPageProblems(page);
    // Serve every response without COOP/COEP: no SharedArrayBuffer, so no WASM threads.
    await page.route('**/*', async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    });
    await page.goto(appPath);
    await expect(page.getByTestId('status')).toHaveText('Ready', {
      timeout: readyTimeout(backend),
    });
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
    const threads = page.getByTestId('wasm-threads');
    await expect(threads).toHaveAttribute('data-threads', '1');
    await expect(threads).toContainText('not cross-origin isolated');
    await waitForMoreRuns(page, 3, 3 * clipTimeout(backend));
    await expect(page.getByTestId('backend')).toHaveText(backend);
  },
);
