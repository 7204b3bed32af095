/**
 * A tiny but internally consistent metadata document for unit tests (not imported by app code).
 * 8 frames of 32x32, tubelet 2 -> 4 time steps; patch 8 -> 4x4 grid = 16 tokens per step;
 * 4 experts of widths 16..128; 3 classes.
 *
 * Returned as a fresh plain object each call, so tests can break one field at a time.
 */
export function tinyMetadataJson() {
  return {
    schema_version: 1,
    name: 'mone-tiny',
    version: '0.1.0',
    description: 'unit-test fixture',
    model_file: 'mone-tiny.onnx',
    model_bytes: 123456,
    model_sha256: 'a'.repeat(64),
    variant: 'mone',
    labels: ['wave', 'clap', 'idle'],
    inputs: {
      video: { name: 'video', dtype: 'float32', shape: [1, 8, 3, 32, 32] },
      expert_counts: { name: 'expert_counts', dtype: 'int64', shape: [4] },
    },
    outputs: {
      logits: { name: 'logits', dtype: 'float32', shape: [1, 3] },
      expert_index: { name: 'expert_index', dtype: 'int32', shape: [4, 16] },
      router_probs: { name: 'router_probs', dtype: 'float32', shape: [4, 16, 4] },
    },
    video: {
      layout: 'NTCHW',
      frames: 8,
      fps: 8,
      height: 32,
      width: 32,
      channels: 3,
      resize: 'center-crop-square-then-resize',
      pixel_scale: 1 / 255,
      mean: [0.5, 0.4, 0.3],
      std: [0.25, 0.2, 0.1],
    },
    tokens: {
      patch_size: 8,
      tubelet_size: 2,
      grid_height: 4,
      grid_width: 4,
      time_steps: 4,
      per_step: 16,
    },
    experts: { count: 4, hidden_dim: 128, widths: [16, 32, 64, 128] },
    macs: { dense: 1_000_000, per_token: [1000, 2000, 4000, 8000] },
    budget: {
      rule: 'mone-eq3',
      beta: 10,
      delta: 2,
      counts_rule: 'floor-leftover-to-smallest',
      min_ec: 0.125,
      max_ec: 1,
      default_ec: 0.5,
      levels: [0.2, 0.3, 0.5, 1],
    },
    evaluation: {
      split: 'val',
      clips: 30,
      curves: {
        mone: [
          { gmacs: 1.5, top1: 0.7, e_c: 0.3 },
          { gmacs: 2.5, top1: 0.8, e_c: 0.5, label: 'default' },
        ],
        dense: [{ gmacs: 4.2, top1: 0.82 }],
      },
    },
  };
}

/**
 * A `weight_files` entry for tinyMetadataJson(): int8 weights for WASM, measured at two budgets
 * (top-1 −0.1 and +0.1 points; 1.35× and 1.75× faster on onnxruntime, 1.10× and 1.55× on WASM).
 */
export function tinyInt8Entry() {
  return {
    file: 'mone-tiny.int8.onnx',
    bytes: 50_000,
    sha256: 'b'.repeat(64),
    from_sha256: 'a'.repeat(64),
    weights: 'int8-dynamic' as const,
    backends: ['wasm' as const],
    evaluation: {
      split: 'test',
      clips: 2000,
      data_seed: 0,
      timing: 'onnxruntime 1.32.0 CPU, 1 thread, interleaved medians',
      wasm_timing: 'onnxruntime-web 1.30.0 WASM in Node 20.20.2, 1 thread, interleaved medians',
      points: [
        {
          e_c: 0.25,
          top1_fp32: 0.909,
          top1: 0.908,
          top1_agreement: 0.9965,
          expert_agreement: 1,
          max_logit_diff: 0.35,
          ms_fp32: 4.05,
          ms: 3,
          wasm_ms_fp32: 12.5,
          wasm_ms: 11.4,
        },
        {
          e_c: 1,
          top1_fp32: 0.899,
          top1: 0.9,
          top1_agreement: 0.998,
          expert_agreement: 1,
          max_logit_diff: 0.23,
          ms_fp32: 7,
          ms: 4,
          wasm_ms_fp32: 22.5,
          wasm_ms: 14.5,
        },
      ],
    },
  };
}

/** tinyMetadataJson() listing tinyInt8Entry() (or `entries`) in weight_files. */
export function tinyMetadataWithWeights(entries: unknown[] = [tinyInt8Entry()]) {
  return { ...tinyMetadataJson(), weight_files: entries };
}
