import { test as base } from '@playwright/test';

export type Backend = 'wasm' | 'webgpu';

/**
 * Every spec imports `test`/`expect` from here instead of '@playwright/test'.
 *
 * `backend` is a per-project option (set in playwright.config.ts). `appPath` is the app URL with
 * `?backend=<backend>` appended, which is how the app is told which execution provider to force;
 * specs navigate with `page.goto(appPath)` and never build the query string themselves.
 */
export interface BackendOptions {
  backend: Backend;
}

export const test = base.extend<BackendOptions & { appPath: string }>({
  backend: ['wasm', { option: true }],
  appPath: async ({ backend }, use) => {
    await use(`/?backend=${backend}`);
  },
});

export { expect } from '@playwright/test';
