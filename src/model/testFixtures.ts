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
