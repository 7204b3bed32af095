// `npm run bench`: runs bench/main.ts (TypeScript) in Node through Vite's module runner, so the
// bench imports the app's own budget/MACs/metadata code from src/model without a separate build step.
// Dependencies (onnxruntime-node, playwright-core, vite) load natively. Arguments pass through:
//   npm run bench -- --help
// BENCH_ENTRY=/bench/other.ts runs another module's `main(argv)` the same way (one-off analyses).
import { createServer, createServerModuleRunner } from 'vite';

const server = await createServer({
  configFile: false,
  root: new URL('..', import.meta.url).pathname,
  logLevel: 'error',
  appType: 'custom',
  server: { middlewareMode: true, hmr: false, ws: false, watch: null },
  optimizeDeps: { noDiscovery: true, include: [] },
});
const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
let code;
try {
  const { main } = await runner.import(process.env.BENCH_ENTRY ?? '/bench/main.ts');
  code = await main(process.argv.slice(2));
} catch (err) {
  console.error(err);
  code = 1;
} finally {
  await runner.close();
  await server.close();
}
process.exit(code);
