/**
 * Diagnostic (not part of `npm run bench`): stream the fake camera in the bench site with a Chrome
 * trace running, print the main thread's busy time, a histogram of task lengths and what each task
 * over 50 ms was made of, and keep the trace (and with TRACE_CPU=1 a CPU profile) to open in
 * DevTools. Run `npm run bench` once first, or pass the .onnx paths (they build the site).
 *   BENCH_ENTRY=/bench/traceLongTasks.ts node scripts/bench.mjs [model] [seconds] [mone.onnx dense.onnx]
 * model: the bench site's model id (default mone-gesture-b); the .onnx paths rebuild the site with
 * those files (as `npm run bench -- --model= --dense=`). Files go to $TRACE_DIR (default a temp dir).
 * TRACE_CPU=1 adds a V8 CPU profile of the window; BENCH_NO_MINIFY=1 (with the .onnx paths) builds
 * the site unminified so the profile names functions.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchWithCamera, makeCameraClip } from './appBench';
import { denseModel, moneModel, sleep } from './common';
import { buildSite, serve, SITE_DIR } from './site';

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: Record<string, unknown> };
}

export async function main(argv: string[]): Promise<number> {
  const model = argv[0] ?? 'mone-gesture-b';
  const seconds = Number(argv[1] ?? 20);
  if (argv[2]) {
    const mone = moneModel(argv[2]);
    await buildSite(mone, denseModel(argv[3], mone));
  }
  const server = await serve(SITE_DIR, true);
  const profile = mkdtempSync(join(tmpdir(), 'mone-trace-'));
  const context = await launchWithCamera(profile, makeCameraClip().file);
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${server.url}/?backend=wasm&ec=0.5&model=${model}`);
  await page.waitForSelector('[data-testid="status"].status-ready', { timeout: 180_000 });
  await page.getByTestId('camera-start').click();
  await sleep(8000);
  const cdp = await context.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => {
    events.push(...(e.value as unknown as TraceEvent[]));
  });
  const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', {
    categories: [
      'devtools.timeline',
      'disabled-by-default-devtools.timeline',
      'v8',
      'v8.execute',
      'disabled-by-default-v8.gc',
      'blink.user_timing',
      'toplevel',
    ].join(','),
    transferMode: 'ReportEvents',
  });
  const cpuProfile = process.env.TRACE_CPU === '1';
  if (cpuProfile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  await sleep(seconds * 1000);
  const outDir = process.env.TRACE_DIR ?? mkdtempSync(join(tmpdir(), 'mone-trace-out-'));
  mkdirSync(outDir, { recursive: true });
  if (cpuProfile) {
    const { profile: cpu } = await cdp.send('Profiler.stop');
    writeFileSync(join(outDir, 'cpu.cpuprofile'), JSON.stringify(cpu));
  }
  await cdp.send('Tracing.end');
  await done;
  await context.close();
  await server.close();
  writeFileSync(join(outDir, 'trace.json'), JSON.stringify(events));
  console.log(`trace (and CPU profile) in ${outDir}`);

  const mainTid = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const onMain = events.filter((e) => e.pid === mainTid?.pid && e.tid === mainTid?.tid);
  const tasks = onMain.filter((e) => e.name === 'RunTask' && (e.dur ?? 0) > 50_000);
  const all = onMain.filter((e) => e.name === 'RunTask' && (e.dur ?? 0) > 0);
  const busy = all.reduce((s, e) => s + (e.dur ?? 0), 0) / 1e3;
  console.log(`main thread: ${all.length} tasks, ${busy.toFixed(0)} ms busy in ${seconds} s`);
  const hist = [10, 16, 20, 25, 30, 40, 50].map(
    (ms) => `>${ms}ms: ${all.filter((e) => (e.dur ?? 0) > ms * 1000).length}`,
  );
  console.log(hist.join('  '));
  for (const t of tasks) {
    const end = t.ts + (t.dur ?? 0);
    const inside = onMain
      .filter((e) => e !== t && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= end && (e.dur ?? 0) > 2000)
      .sort((a, b) => a.ts - b.ts);
    console.log(
      `\nlong task ${((t.dur ?? 0) / 1e3).toFixed(1)} ms at ${((t.ts - all[0]!.ts) / 1e6).toFixed(2)} s`,
    );
    for (const e of inside) {
      const d = e.args?.data ?? {};
      const where = [d.functionName, d.url, d.type]
        .filter((x) => typeof x === 'string' && x !== '')
        .join(' ');
      console.log(
        `  +${((e.ts - t.ts) / 1e3).toFixed(1)} ${((e.dur ?? 0) / 1e3).toFixed(1)} ms ${e.name} ${where}`,
      );
    }
  }
  return 0;
}
