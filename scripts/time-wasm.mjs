// Times ONNX models on onnxruntime-web's WASM backend in Node, one thread, interleaved: how
// training/mone/variants.py checks that int8 weights are faster where the app runs them (WASM),
// beside its onnxruntime (native CPU) timing.
//   node scripts/time-wasm.mjs JOB.json
// JOB: {"models": {"fp32": "a.onnx", "int8": "b.onnx"}, "video": {"path": "clip.f32", "shape":
//   [1, T, 3, H, W]}, "budgets": [[0.5, [15, 15, 16, 18]], ...], "rounds": 3, "reps": 30}
// (video: raw little-endian float32, the model input). Prints one JSON line:
//   {"runtime": "onnxruntime-web 1.30.0 WASM in Node 20.20.2, 1 thread", "ms": {"fp32": {"0.5": 16.1}, ...},
//    "logits": {"fp32": {"0.5": [...]}, ...}}   (logits: the first output of each model's last run)
// Each round runs every budget on every model in turn (5 warm-up runs, `reps` timed ones); a
// number is the median over rounds of each round's median, so drift hits every model alike.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const raw = readFileSync(job.video.path);
const data = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
const video = new ort.Tensor('float32', data, job.video.shape);
const sessions = {};
for (const [name, path] of Object.entries(job.models)) {
  sessions[name] = await ort.InferenceSession.create(readFileSync(path), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
}

const seen = {};
const logits = {};
for (let round = 0; round < (job.rounds ?? 3); round++) {
  for (const [ec, counts] of job.budgets) {
    const expertCounts = new ort.Tensor('int64', BigInt64Array.from(counts.map(BigInt)), [
      counts.length,
    ]);
    const feed = { video, expert_counts: expertCounts };
    for (const [name, session] of Object.entries(sessions)) {
      for (let i = 0; i < 5; i++) await session.run(feed);
      const times = [];
      let out;
      for (let i = 0; i < (job.reps ?? 30); i++) {
        const t0 = performance.now();
        out = await session.run(feed);
        times.push(performance.now() - t0);
      }
      (logits[name] ??= {})[String(ec)] = Array.from(out[session.outputNames[0]].data);
      ((seen[name] ??= {})[String(ec)] ??= []).push(median(times));
    }
  }
}

const ms = Object.fromEntries(
  Object.entries(seen).map(([name, perBudget]) => [
    name,
    Object.fromEntries(Object.entries(perBudget).map(([ec, rounds]) => [ec, median(rounds)])),
  ]),
);
const runtime = `onnxruntime-web ${ort.env.versions.web} WASM in Node ${process.versions.node}, 1 thread`;
console.log(JSON.stringify({ runtime, ms, logits }));
