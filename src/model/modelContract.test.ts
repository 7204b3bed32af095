import { describe, expect, it } from 'vitest';
import { MetadataError, parseModelMetadata } from './metadata';
import { checkModelIO } from './modelContract';
import type { GraphTensor } from './modelContract';
import { tinyMetadataJson } from './testFixtures';

const meta = parseModelMetadata(tinyMetadataJson());

// What onnxruntime reports for a graph exported with the tiny fixture's shapes.
function graph(): { inputs: GraphTensor[]; outputs: GraphTensor[] } {
  return {
    inputs: [
      { name: 'video', isTensor: true, type: 'float32', shape: [1, 8, 3, 32, 32] },
      { name: 'expert_counts', isTensor: true, type: 'int64', shape: [4] },
    ],
    outputs: [
      { name: 'logits', isTensor: true, type: 'float32', shape: [1, 3] },
      { name: 'expert_index', isTensor: true, type: 'int32', shape: [4, 16] },
      { name: 'router_probs', isTensor: true, type: 'float32', shape: [4, 16, 4] },
    ],
  };
}

function fieldOf(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof MetadataError) return err.field;
    throw err;
  }
  throw new Error('expected a MetadataError');
}

describe('checkModelIO', () => {
  it('accepts a graph that matches', () => {
    const { inputs, outputs } = graph();
    expect(() => checkModelIO(meta, inputs, outputs)).not.toThrow();
  });

  it('accepts symbolic dims', () => {
    const { inputs, outputs } = graph();
    inputs[0] = { name: 'video', type: 'float32', shape: ['batch', 8, 3, 32, 32] };
    expect(() => checkModelIO(meta, inputs, outputs)).not.toThrow();
  });

  it('names a frame-count mismatch', () => {
    const { inputs, outputs } = graph();
    inputs[0] = { name: 'video', type: 'float32', shape: [1, 16, 3, 32, 32] };
    expect(() => checkModelIO(meta, inputs, outputs)).toThrow(
      "model metadata: inputs.video.shape: is [1, 8, 3, 32, 32] but the ONNX model's input 'video' is [1, 16, 3, 32, 32]",
    );
  });

  it('names a missing tensor, a wrong dtype and an undescribed input', () => {
    let g = graph();
    g.outputs.splice(1, 1);
    expect(fieldOf(() => checkModelIO(meta, g.inputs, g.outputs))).toBe(
      'outputs.expert_index.name',
    );
    g = graph();
    g.inputs[1] = { name: 'expert_counts', type: 'int32', shape: [4] };
    expect(fieldOf(() => checkModelIO(meta, g.inputs, g.outputs))).toBe(
      'inputs.expert_counts.dtype',
    );
    g = graph();
    g.inputs.push({ name: 'temperature', type: 'float32', shape: [] });
    expect(fieldOf(() => checkModelIO(meta, g.inputs, g.outputs))).toBe('inputs');
  });
});

describe('checkModelIO: labels against the graph', () => {
  it("names a label count that differs from the graph's classes", () => {
    const { inputs, outputs } = graph();
    outputs[0] = { name: 'logits', type: 'float32', shape: [1, 5] };
    expect(() => checkModelIO(meta, inputs, outputs)).toThrow(
      "model metadata: labels: has 3 entries but the ONNX model's 'logits' output has 5 classes",
    );
  });

  it('leaves a symbolic class axis to the shape check', () => {
    const { inputs, outputs } = graph();
    outputs[0] = { name: 'logits', type: 'float32', shape: [1, 'classes'] };
    expect(() => checkModelIO(meta, inputs, outputs)).not.toThrow();
  });
});
