/**
 * Bring your own model: an .onnx with its metadata .json, opened from disk (the file picker with
 * real files from public/models, or a drop), runs with every feature; a bad pair is refused with a
 * message naming the field at fault and the shipped model keeps classifying; a kept model is
 * listed again after a reload until it is forgotten. Throughout, no request leaves the page's
 * origin and the model files are never requested at all: they are read on the device.
 * WASM only: what is checked here does not depend on the backend.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Page } from '@playwright/test';
import type { ModelMetadata } from '../src/model/metadata';
import { expect, test } from './fixtures';
import {
  clipTimeout,
  countsOf,
  heatmapFills,
  logRequests,
  openApp,
  publicPath,
  readJson,
  readyTimeout,
  screenshot,
  setBudget,
  top1Of,
  waitForMoreRuns,
} from './helpers';

const DENSE = 'vivit-dense-s';
const MONE = 'mone-vivit-s';
const filesOf = (id: string) => [publicPath(`models/${id}.onnx`), publicPath(`models/${id}.json`)];
const metaOf = (id: string) => readJson(`models/${id}.json`) as ModelMetadata;
/** The picker's id of a shipped pair opened from disk: both files' sha256 (src/model/ownModel.ts). */
const ownId = (id: string) => {
  const sha = (file: string) =>
    createHash('sha256')
      .update(readFileSync(publicPath(file)))
      .digest('hex');
  return `own:${sha(`models/${id}.onnx`)}.${sha(`models/${id}.json`).slice(0, 16)}`;
};

type Editable<T> = T extends readonly (infer U)[]
  ? Editable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Editable<T[K]> }
    : T;
type EditableMetadata = Editable<ModelMetadata>;

/** A shipped .onnx with an edited copy of its metadata, as in-memory files for the picker. */
function editedPair(id: string, edit: (m: EditableMetadata) => void) {
  const meta = readJson(`models/${id}.json`) as EditableMetadata;
  edit(meta);
  return [
    { name: `${id}.onnx`, mimeType: '', buffer: readFileSync(publicPath(`models/${id}.onnx`)) },
    {
      name: `${id}-edited.json`,
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(meta, null, 1)),
    },
  ];
}

/** The page runs `id` (an index id or own:<sha256>) and is ready. */
async function expectModel(page: Page, id: string, name: string) {
  await expect(page.getByTestId('model-select')).toHaveValue(id, { timeout: readyTimeout('wasm') });
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: readyTimeout('wasm') });
  await expect(page.getByTestId('runtime-model')).toHaveAttribute('data-model', name);
}

/** A few more clips of the playing sample, classified into one of `meta`'s labels. */
async function expectClassifying(page: Page, meta: ModelMetadata) {
  await waitForMoreRuns(page, 3, 6 * clipTimeout('wasm'));
  await expect(page.getByTestId('top1')).toBeVisible();
  expect(meta.labels).toContain(await top1Of(page));
  await expect(page.getByTestId('heatmap').locator('rect')).toHaveCount(meta.tokens.per_step);
}

/** Every request stayed on the page's origin, and none asked for a model the user opened. */
function expectPrivate(page: Page, urls: readonly string[]) {
  const origin = new URL(page.url()).origin;
  expect(
    urls.filter(
      (u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin,
    ),
  ).toEqual([]);
  expect(urls.filter((u) => u.includes('own-models') || u.includes('-edited'))).toEqual([]);
}

test(
  'your model from the file picker: the dense model, then the MoNE model with budget, heatmap and sweep',
  { tag: '@wasm-only' },
  async ({ page, context, appPath, backend }) => {
    test.setTimeout(3 * readyTimeout(backend) + 40 * clipTimeout(backend));
    const urls = logRequests(context);
    await openApp(page, appPath, backend);
    await waitForMoreRuns(page, 2, 6 * clipTimeout(backend));
    const requestsBefore = urls.length;

    // The dense baseline's real files, chosen together.
    const dense = metaOf(DENSE);
    await page.getByTestId('own-model-files').setInputFiles(filesOf(DENSE));
    await expectModel(page, ownId(DENSE), DENSE);
    await expect(page.getByTestId('model-select').locator('option:checked')).toHaveText(
      /^Your model: vivit-dense-s — 10 classes, 4\.\d MB, open until you leave the page$/,
    );
    await expect(page.getByTestId('model-reason')).toContainText('a link cannot carry it');
    await expect(page.getByTestId('own-model-link-note')).toBeVisible();
    await expectClassifying(page, dense);
    // A dense model gets the full expert's counts whatever e_c says.
    expect(await countsOf(page)).toEqual([0, 0, 0, dense.tokens.per_step]);
    await expect(page.getByTestId('error')).toBeEmpty();
    expect(new URL(page.url()).searchParams.get('model')).toBeNull();
    // Opening it asked the network for nothing: the files were read on the device.
    expect(
      urls.slice(requestsBefore).filter((u) => u.endsWith('.onnx') || u.endsWith('.json')),
    ).toEqual([]);

    // The same .onnx with another metadata file is checked again, not taken for the pair above.
    const [wrongLabels] = refusals;
    await page.getByTestId('own-model-files').setInputFiles(editedPair(DENSE, wrongLabels!.edit));
    await expect(page.getByTestId('error')).toContainText(wrongLabels!.message, {
      timeout: readyTimeout(backend),
    });
    await expect(page.getByTestId('model-select')).toHaveValue(ownId(DENSE));
    await expectClassifying(page, dense);

    // The MoNE model the same way: every feature follows its metadata.
    const mone = metaOf(MONE);
    await page.getByTestId('own-model-files').setInputFiles(filesOf(MONE));
    await expectModel(page, ownId(MONE), MONE);
    await expectClassifying(page, mone);
    for (const ec of [0.3, 0.8]) {
      const fillsBefore = await heatmapFills(page);
      await setBudget(page, mone, ec, backend);
      expect(await heatmapFills(page), `heatmap colours at e_c ${ec}`).not.toBe(fillsBefore);
    }
    const chart = page.getByTestId('sweep-chart');
    await page.getByTestId('explore-budgets').click();
    await expect(chart).toHaveAttribute('data-status', 'done', {
      timeout: mone.budget.levels.length * clipTimeout(backend),
    });
    await expect(chart).toHaveAttribute('data-points', String(mone.budget.levels.length));
    // Both own models are in the picker, with the shipped ones; back to a shipped one works.
    await expect(page.getByTestId('own-model')).toHaveCount(2);
    await screenshot(page, 'byo-mone-wasm');
    await page.getByTestId('model-select').selectOption(MONE);
    await expectModel(page, MONE, MONE);
    await expectClassifying(page, mone);
    expectPrivate(page, urls);
  },
);

const refusals: {
  what: string;
  id: string;
  edit: (m: EditableMetadata) => void;
  message: string;
}[] = [
  {
    what: 'a label count the graph does not have',
    id: DENSE,
    edit: (m) => {
      m.labels.pop();
      m.outputs.logits.shape[1] = 9;
    },
    message:
      "model metadata: labels: has 9 entries but the ONNX model's 'logits' output has 10 classes",
  },
  {
    what: 'a missing required field',
    id: DENSE,
    edit: (m) => delete (m as Partial<EditableMetadata>).labels,
    message: `${DENSE}-edited.json: model metadata: labels: is required`,
  },
  {
    // Self-consistent metadata of a 16-frame model: the graph takes 8 frames.
    what: 'inputs the graph does not have',
    id: MONE,
    edit: (m) => {
      m.video.frames = 16;
      m.tokens.time_steps = 8;
      m.inputs.video.shape = [1, 16, 3, 64, 64];
      m.outputs.expert_index.shape = [8, 64];
      m.outputs.router_probs.shape = [8, 64, 4];
    },
    message:
      "model metadata: inputs.video.shape: is [1, 16, 3, 64, 64] but the ONNX model's input 'video' is [1, 8, 3, 64, 64]",
  },
];

test(
  'a bad pair is refused with the field at fault, and the shipped model keeps classifying',
  { tag: '@wasm-only' },
  async ({ page, context, appPath, backend }) => {
    test.setTimeout(readyTimeout(backend) + 30 * clipTimeout(backend));
    const urls = logRequests(context);
    await openApp(page, appPath, backend);
    const running = await page.getByTestId('model-select').inputValue();
    const files = page.getByTestId('own-model-files');

    // Not a pair at all: named before anything is read.
    await files.setInputFiles(publicPath(`models/${DENSE}.onnx`));
    await expect(page.getByTestId('error')).toContainText('the metadata .json is missing');

    for (const { what, id, edit, message } of refusals) {
      await files.setInputFiles(editedPair(id, edit));
      await expect(page.getByTestId('error'), what).toContainText(message, {
        timeout: readyTimeout(backend),
      });
      await expect(page.getByTestId('error')).toContainText('Your model (');
      await expect(page.getByTestId('model-select')).toHaveValue(running);
      await expect(page.getByTestId('status')).toHaveText('Ready');
      await expectClassifying(page, metaOf(running));
    }
    await expect(page.getByTestId('own-model')).toHaveCount(0);
    await screenshot(page, 'byo-refused-wasm');
    expectPrivate(page, urls);
  },
);

test(
  'dropped on the page: the pair opens as your model, a video still plays',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    test.setTimeout(readyTimeout(backend) + 20 * clipTimeout(backend));
    await openApp(page, appPath, backend);
    const drop = async (testId: string, files: { name: string; type: string; path: string }[]) => {
      const payload = files.map((f) => ({ ...f, base64: readFileSync(f.path).toString('base64') }));
      const dataTransfer = await page.evaluateHandle((list) => {
        const dt = new DataTransfer();
        for (const { name, type, base64 } of list) {
          dt.items.add(
            new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type }),
          );
        }
        return dt;
      }, payload);
      await page.getByTestId(testId).dispatchEvent('drop', { dataTransfer });
    };
    const [onnx, json] = filesOf(DENSE);
    // On the video: a drop holding model files goes to the model path.
    await drop('drop-zone', [
      { name: `${DENSE}.onnx`, type: '', path: onnx! },
      { name: `${DENSE}.json`, type: 'application/json', path: json! },
    ]);
    await expectModel(page, ownId(DENSE), DENSE);
    await expectClassifying(page, metaOf(DENSE));
    // A video dropped on the same spot plays, with your model.
    const samples = (readJson('samples/index.json') as { samples: { file: string }[] }).samples;
    const video = samples[2]!.file;
    await drop('drop-zone', [
      { name: `dropped-${video}`, type: 'video/mp4', path: publicPath(`samples/${video}`) },
    ]);
    await expect(page.getByTestId('source-label')).toContainText(`file “dropped-${video}”`);
    await expectClassifying(page, metaOf(DENSE));
    await expect(page.getByTestId('model-select')).toHaveValue(ownId(DENSE));
  },
);

test(
  'kept on this device: listed after a reload, runs from storage, Forget removes it',
  { tag: '@wasm-only' },
  async ({ page, context, appPath, backend }) => {
    test.setTimeout(3 * readyTimeout(backend) + 20 * clipTimeout(backend));
    const urls = logRequests(context);
    await openApp(page, appPath, backend);
    await page.getByTestId('own-model-keep').check();
    await page.getByTestId('own-model-files').setInputFiles(filesOf(DENSE));
    const id = ownId(DENSE);
    await expectModel(page, id, DENSE);
    await expect(page.getByTestId('own-model')).toHaveAttribute('data-kept', 'true');
    await expect(page.getByTestId('own-model')).toContainText('kept on this device');

    // Next visit: the link opens the default model; the kept one is listed and runs from storage.
    await page.reload();
    await expect(page.getByTestId('status')).toHaveText('Ready', {
      timeout: readyTimeout(backend),
    });
    await expect(page.getByTestId('model-select')).not.toHaveValue(id);
    await expect(page.getByTestId('own-model')).toHaveCount(1);
    await expect(page.getByTestId('own-model')).toContainText(
      /Your model: vivit-dense-s.*4\.\d MB/,
    );
    await page.getByTestId('model-select').selectOption(id);
    await expectModel(page, id, DENSE);
    await expectClassifying(page, metaOf(DENSE));
    await screenshot(page, 'byo-kept-wasm');

    // Forget: the default model takes over, and the next visit lists nothing.
    await page.getByTestId('own-model-forget').click();
    await expect(page.getByTestId('own-model')).toHaveCount(0);
    await expect(page.getByTestId('model-select')).not.toHaveValue(id);
    await expect(page.getByTestId('status')).toHaveText('Ready', {
      timeout: readyTimeout(backend),
    });
    await page.reload();
    await expect(page.getByTestId('status')).toHaveText('Ready', {
      timeout: readyTimeout(backend),
    });
    await expect(page.getByTestId('own-model')).toHaveCount(0);
    await expect(page.getByTestId('model-select').locator(`option[value="${id}"]`)).toHaveCount(0);
    expectPrivate(page, urls);
  },
);
