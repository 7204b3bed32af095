/**
 * The gesture model's shape in the app before the gesture model is trained: the exporter writes
 * the MoNE-B architecture (27 classes, 16 frames of 112 px, a 7x7 grid, D=256) with random
 * weights (`python -m mone.export --random mone_b`), and the app runs it as the user's own model.
 * Whatever in the page assumed the motion model's 10 classes, 8x8 grid or 8 frames breaks here:
 * labels, heatmap cells, tokens per expert, the budget maths. Its predictions mean nothing; only
 * their shape is checked. WASM only: the shape does not depend on the backend.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import type { ModelMetadata } from '../src/model/metadata';
import { gmacsForCounts } from '../src/model/macs';
import { countsFor } from '../src/store/budgetMath';
import { expect, test } from './fixtures';
import {
  clipTimeout,
  countsOf,
  openApp,
  readyTimeout,
  ROOT,
  screenshot,
  setBudget,
  top1Of,
  waitForMoreRuns,
} from './helpers';

const NAME = 'random-gesture-b';
const DIR = `${ROOT}test-results/e2e-fixtures/${NAME}/`;
const files = [`${DIR}${NAME}.onnx`, `${DIR}${NAME}.json`];

test.beforeAll(() => {
  test.setTimeout(180_000);
  mkdirSync(DIR, { recursive: true });
  execFileSync(
    'python3',
    ['-m', 'mone.export', '--random', 'mone_b', '--out', DIR, '--name', NAME],
    {
      cwd: `${ROOT}training`,
      stdio: 'pipe',
    },
  );
});

test(
  'the gesture architecture runs in the app: 27 labels, a 7x7 heatmap, 49 tokens per step',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    // A clip of the B shape costs ~9x the motion model's GMACs.
    const clip = 9 * clipTimeout(backend);
    test.setTimeout(2 * readyTimeout(backend) + 12 * clip);
    const meta = JSON.parse(readFileSync(files[1]!, 'utf8')) as ModelMetadata;
    expect(meta.labels).toHaveLength(27);
    expect(meta.tokens).toMatchObject({ grid_height: 7, grid_width: 7, per_step: 49 });

    await openApp(page, appPath, backend);
    await waitForMoreRuns(page, 1, 6 * clipTimeout(backend));
    await page.getByTestId('own-model-files').setInputFiles(files);
    await expect(page.getByTestId('runtime-model')).toHaveAttribute('data-model', NAME, {
      timeout: readyTimeout(backend),
    });
    await expect(page.getByTestId('status')).toHaveText('Ready', {
      timeout: readyTimeout(backend),
    });

    await waitForMoreRuns(page, 2, 3 * clip);
    expect(meta.labels).toContain(await top1Of(page));
    await expect(page.getByTestId('heatmap').locator('rect')).toHaveCount(49);
    const counts = await countsOf(page);
    expect(counts).toHaveLength(4);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(49);

    // The budget maths on 49 tokens: the counts the page shows are the shared budget maths'.
    for (const ec of [0.3, 1]) {
      await setBudget(page, meta, ec, backend);
      expect(countsFor(meta, ec).reduce((a, b) => a + b, 0)).toBe(49);
    }
    // Every part of the page survived the switch from the 64-token model to this 49-token one
    // (the compute-vs-accuracy chart once threw on the motion model's counts: "must sum to 49").
    await expect(page.locator('.boundary')).toHaveCount(0);
    await expect(page.getByTestId('pareto-chart')).toHaveAttribute(
      'data-gmacs',
      String(gmacsForCounts(meta, countsFor(meta, 1))),
    );
    const sessions = JSON.parse(
      (await page.getByTestId('sessions-by-model').getAttribute('data-sessions')) ?? '{}',
    ) as Record<string, number>;
    expect(sessions[NAME]).toBe(1);
    await screenshot(page, 'gesture-shape-wasm');
  },
);
