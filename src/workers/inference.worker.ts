/**
 * The inference worker: receives ToWorker messages and hands them to the engine
 * (src/inference/engine.ts), which answers with FromWorker messages. Glue only.
 */
import { InferenceEngine } from '../inference/engine';
import { toEngineError } from '../inference/engineFailure';
import type { FromWorker, ToWorker } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

async function handle(engine: InferenceEngine, msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'init':
      return engine.init(msg);
    case 'useModel':
      return engine.useModel(msg);
    case 'frame':
      return engine.frame(msg);
    case 'run':
      return engine.run(msg);
    case 'sweep':
      return engine.sweep(msg);
    case 'resetClip':
      return engine.resetClip();
    case 'clearCache':
      return engine.clearCache();
    case 'stats':
      return engine.stats();
    case 'dispose':
      return engine.dispose();
  }
}

// onnxruntime-web starts its WASM pthreads from this same bundled chunk, as workers named
// "em-pthread…". They must not get our handler: with it, session creation hangs once ≥ 2 threads
// are used (browser-runtime.md, "Hang with threads in a bundled worker").
if (!self.name.startsWith('em-pthread')) {
  const engine = new InferenceEngine((message: FromWorker, transfer: Transferable[] = []) =>
    self.postMessage(message, transfer),
  );
  self.addEventListener('message', (event: MessageEvent<ToWorker>) => {
    handle(engine, event.data).catch((err: unknown) => self.postMessage(toEngineError(err)));
  });
}
