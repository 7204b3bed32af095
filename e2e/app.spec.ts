/**
 * The app as a user opens it (first version; the full scenario suite is issue 7): it starts on a
 * sample clip with no action, classifies it, draws the routing heatmap, and the budget slider
 * changes the per-expert token counts and GMACs without reloading the model.
 */
import type { Page } from '@playwright/test';
import { countsForBudget } from '../src/inference/budget';
import { expect, test } from './fixtures';

const TOKENS = 64;
const EXPERTS = 4;
/** Model load + warm-up of every budget level; WebGPU here is a software adapter (slow). */
const READY_TIMEOUT = 120_000;

async function openApp(page: Page, appPath: string): Promise<void> {
  page.on('pageerror', (err) => console.log(`[page error] ${err.message}`));
  await page.goto(appPath);
  await expect(page.getByTestId('status')).toContainText('Ready', { timeout: READY_TIMEOUT });
}

const countsOf = async (page: Page) =>
  JSON.parse((await page.getByTestId('heatmap').getAttribute('data-counts')) ?? '[]') as number[];

test('opens on a sample and shows a prediction and the routing heatmap', async ({
  page,
  appPath,
  backend,
}) => {
  test.setTimeout(READY_TIMEOUT + 60_000);
  await openApp(page, appPath);
  await expect(page.getByTestId('backend')).toHaveText(backend);

  const top1 = page.getByTestId('top1');
  await expect(top1).toBeVisible({ timeout: 30_000 });
  const labels = await page.getByTestId('sample-select').locator('option').allTextContents();
  expect(labels).toContain(await top1.getAttribute('data-label'));

  const ec = Number(await page.getByTestId('budget-slider').inputValue());
  await expect.poll(() => countsOf(page)).toEqual(countsForBudget(ec, TOKENS, EXPERTS));
  await page.screenshot({ path: `e2e-artifacts/app-ready-${backend}.png`, fullPage: true });
});

test('the budget slider changes counts and GMACs without reloading the model', async ({
  page,
  appPath,
  backend,
}) => {
  test.skip(backend === 'webgpu', 'one WebGPU run takes seconds here; covered by the first test');
  test.setTimeout(READY_TIMEOUT + 60_000);
  const modelFetches: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.onnx')) modelFetches.push(r.url());
  });
  await openApp(page, appPath);
  const slider = page.getByTestId('budget-slider');
  const gmacs = page.getByTestId('gmacs');
  const seen = new Set<string>();
  for (const ec of [0.15, 0.3, 0.5, 0.8, 1]) {
    await slider.fill(String(ec));
    await expect(slider).toHaveAttribute('aria-valuetext', /% compute, [\d.]+ GMACs/);
    await expect
      .poll(() => countsOf(page), { timeout: 15_000 })
      .toEqual(countsForBudget(ec, TOKENS, EXPERTS));
    seen.add((await gmacs.textContent()) ?? '');
  }
  expect(seen.size).toBe(5);
  await expect(page.getByTestId('sessions-created')).toHaveText('1');
  await expect(page.getByTestId('model-downloads')).toHaveText(/^[01]$/);
  expect(modelFetches).toHaveLength(1);
  expect(page.url()).toContain('ec=1');
  await page.screenshot({ path: `e2e-artifacts/app-budget-${backend}.png`, fullPage: true });
});
