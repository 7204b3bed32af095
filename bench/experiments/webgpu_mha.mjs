// Runs the MultiHeadAttention cases that webgpu_mha.py wrote to DIR on onnxruntime-web's WASM and
// WebGPU backends in Chromium (the build the worker imports for WebGPU: ort.webgpu.min.mjs) and
// prints {version, adapter, cases: {name: {wasm, webgpu}}}: the max |output - numpy| per backend.
//   node bench/experiments/webgpu_mha.mjs DIR
// Flags as in e2e/chromium.ts: --enable-unsafe-webgpu gives the SwiftShader adapter here.
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { chromium } from 'playwright';

const dir = process.argv[2];
const require = createRequire(import.meta.url);
const ortDist = dirname(require.resolve('onnxruntime-web'));
const version = JSON.parse(readFileSync(join(ortDist, '..', 'package.json'), 'utf8')).version;
const types = { '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

const page = `<script type="module">
import * as ort from '/ort/ort.webgpu.min.mjs';
ort.env.wasm.numThreads = 1;
window.runAll = async () => {
  const cases = await (await fetch('/cases/cases.json')).json();
  const adapter = await navigator.gpu?.requestAdapter();
  const out = { adapter: adapter ? adapter.info.vendor + '/' + adapter.info.architecture : 'none', cases: {} };
  for (const c of cases) {
    out.cases[c.name] = {};
    for (const ep of adapter ? ['wasm', 'webgpu'] : ['wasm']) {
      const session = await ort.InferenceSession.create('/cases/' + c.file, { executionProviders: [ep] });
      const t = (a) => new ort.Tensor('float32', Float32Array.from(a), c.shape);
      const y = (await session.run({ q: t(c.q), k: t(c.k), v: t(c.v) })).y.data;
      out.cases[c.name][ep] = y.reduce((m, v, i) => Math.max(m, Math.abs(v - c.y[i])), 0);
      await session.release();
    }
  }
  return out;
};
</script>`;

const server = createServer((req, res) => {
  const url = decodeURIComponent(req.url ?? '/');
  const file = url.startsWith('/ort/')
    ? join(ortDist, url.slice(5))
    : url.startsWith('/cases/')
      ? join(dir, url.slice(7))
      : null;
  if (url === '/') {
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
  } else if (file && existsSync(file)) {
    res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  } else {
    res.writeHead(404).end();
  }
}).listen(0);
await new Promise((resolve) => server.once('listening', resolve));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--enable-unsafe-webgpu'],
});
try {
  const tab = await browser.newPage();
  await tab.goto(`http://localhost:${server.address().port}/`);
  await tab.waitForFunction(() => 'runAll' in globalThis);
  const result = await tab.evaluate(() => globalThis.runAll());
  console.log(JSON.stringify({ version, ...result }));
} finally {
  await browser.close();
  server.close();
}
