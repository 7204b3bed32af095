/**
 * The site the browser phases load: the app (index.html) plus the bench page
 * (bench/page/bench.html, served at the same path), built with the repo's vite.config.ts into
 * bench-results/site (never dist/, the production build, nor dist-harness/, the e2e site), and
 * served by `vite preview` on bench-only ports — cross-origin isolated (COOP/COEP, WASM threads)
 * or not (what a host without the headers gives: 1 WASM thread).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PreviewServer } from 'vite';
import { build, preview } from 'vite';
import { denseGmacs } from '../src/model/macs';
import type { ModelFiles } from './common';
import { log, RESULTS_DIR, ROOT } from './common';

export const SITE_DIR = join(RESULTS_DIR, 'site');
/** The bench page, relative to the repository root and to the built site alike. */
export const BENCH_PAGE = 'bench/page/bench.html';

export async function buildSite(mone: ModelFiles, dense: ModelFiles | null): Promise<string> {
  log(`building the app + ${BENCH_PAGE} into ${SITE_DIR.replace(`${ROOT}/`, '')}`);
  // The module runner that runs this bench started a Vite dev server, which set NODE_ENV to
  // 'development'; a build inherits it and would bundle React's development build (jsxDEV,
  // console.createTask per element: several times slower rendering). Build as `npm run build` does.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: ROOT,
      configFile: join(ROOT, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: {
        outDir: SITE_DIR,
        minify: process.env.BENCH_NO_MINIFY ? false : undefined,
        emptyOutDir: true,
        rolldownOptions: {
          input: {
            main: join(ROOT, 'index.html'),
            bench: join(ROOT, BENCH_PAGE),
          },
        },
      },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  // A model from outside public/models (--model, --dense: e.g. a random-weight export of a
  // config's shape) is served beside the shipped ones and listed in this site's model index, so
  // the app can open it with ?model=.
  const extra = [mone, dense].filter(
    (m): m is ModelFiles => m !== null && m.source !== 'public/models',
  );
  if (extra.length > 0) {
    mkdirSync(join(SITE_DIR, 'models', 'golden'), { recursive: true });
    for (const m of extra) {
      for (const file of [m.onnxPath, m.metadataPath]) {
        copyFileSync(file, join(SITE_DIR, 'models', basename(file)));
      }
      if (existsSync(m.goldenPath)) {
        copyFileSync(m.goldenPath, join(SITE_DIR, 'models', 'golden', basename(m.goldenPath)));
      }
    }
    listInSiteIndex(mone, dense, extra);
  }
  if (!existsSync(join(SITE_DIR, BENCH_PAGE))) throw new Error(`${BENCH_PAGE} was not built`);
  return SITE_DIR;
}

/** Adds index entries (contracts/models-index.schema.json) for models copied into the site. */
function listInSiteIndex(mone: ModelFiles, dense: ModelFiles | null, extra: ModelFiles[]): void {
  const file = join(SITE_DIR, 'models', 'index.json');
  const index = JSON.parse(readFileSync(file, 'utf8')) as { models: Record<string, unknown>[] };
  for (const m of extra) {
    const { meta } = m;
    index.models = index.models.filter((e) => e.id !== meta.name);
    index.models.push({
      id: meta.name,
      name: `${meta.name} (bench: ${m.source})`,
      task: `${meta.labels.length} classes (bench only)`,
      kind: meta.variant,
      ...(meta.variant === 'mone' && dense !== null && m === mone
        ? { baseline: dense.meta.name }
        : {}),
      model_bytes: meta.model_bytes,
      dense_gmacs: denseGmacs(meta),
      // Not in the metadata; the app only displays it. fp32 weights: about 4 bytes each.
      parameters: Math.round(meta.model_bytes / 4),
      classes: meta.labels.length,
      backends: ['webgpu', 'wasm'],
      samples: '../samples/index.json',
      camera_mirrored: false,
    });
  }
  writeFileSync(file, `${JSON.stringify(index, null, 1)}\n`);
}

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/** `vite preview` of the built site; port 4190 (isolated) / 4191 (not), or the next free one. */
export async function serve(site: string, isolated: boolean): Promise<Served> {
  const server: PreviewServer = await preview({
    root: ROOT,
    configFile: false,
    logLevel: 'error',
    build: { outDir: site },
    preview: {
      host: '127.0.0.1',
      port: isolated ? 4190 : 4191,
      strictPort: false,
      headers: isolated ? ISOLATION : {},
    },
  });
  const url = server.resolvedUrls?.local[0];
  if (url === undefined) throw new Error('vite preview did not report a URL');
  return { url: url.replace(/\/$/, ''), close: () => server.close() };
}
