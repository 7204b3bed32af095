/**
 * Metadata ⇄ ONNX graph agreement. metadata.ts checks the JSON against itself; this checks it
 * against the inputs and outputs the loaded session actually declares, so a metadata file from
 * another export fails at load time with the field named — not mid-inference as an ORT shape
 * error, or worse, silently (a different frame count with a symbolic time axis would run).
 *
 * Takes plain descriptions (onnxruntime's `session.inputMetadata` has this shape), so it stays
 * free of onnxruntime and runs the same in the worker and in Node tests.
 */
import { MetadataError } from './metadata';
import type { ModelMetadata, TensorSpec } from './metadata';

/** One graph input/output as onnxruntime describes it; symbolic dims are strings. */
export interface GraphTensor {
  readonly name: string;
  readonly isTensor?: boolean;
  readonly type?: string;
  readonly shape?: readonly (number | string)[];
}

function describeShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}

function checkTensor(
  field: string,
  spec: TensorSpec,
  graph: readonly GraphTensor[],
  kind: 'input' | 'output',
): void {
  const actual = graph.find((t) => t.name === spec.name);
  if (actual === undefined) {
    throw new MetadataError(
      `${field}.name`,
      `is '${spec.name}' but the ONNX model's ${kind}s are ${graph.map((t) => `'${t.name}'`).join(', ')}`,
    );
  }
  if (actual.type !== undefined && actual.type !== spec.dtype) {
    throw new MetadataError(
      `${field}.dtype`,
      `is ${spec.dtype} but the ONNX model's ${kind} '${spec.name}' is ${actual.type}`,
    );
  }
  const shape = actual.shape;
  if (shape === undefined) return;
  // Symbolic (string) dims accept any size; fixed dims must match exactly.
  const same =
    shape.length === spec.shape.length &&
    shape.every((d, i) => typeof d === 'string' || d < 0 || d === spec.shape[i]);
  if (!same) {
    throw new MetadataError(
      `${field}.shape`,
      `is ${describeShape(spec.shape)} but the ONNX model's ${kind} '${spec.name}' is ${describeShape(shape)}`,
    );
  }
}

/** Throws MetadataError naming the first metadata field the graph disagrees with. */
export function checkModelIO(
  meta: Pick<ModelMetadata, 'inputs' | 'outputs' | 'labels'>,
  inputs: readonly GraphTensor[],
  outputs: readonly GraphTensor[],
): void {
  checkTensor('inputs.video', meta.inputs.video, inputs, 'input');
  checkTensor('inputs.expert_counts', meta.inputs.expert_counts, inputs, 'input');
  const known = new Set([meta.inputs.video.name, meta.inputs.expert_counts.name]);
  const extra = inputs.find((t) => !known.has(t.name));
  if (extra !== undefined) {
    throw new MetadataError(
      'inputs',
      `does not describe the ONNX model's input '${extra.name}' (the worker could not feed it)`,
    );
  }
  // The label count against the graph itself (metadata.ts only compares it with the metadata's
  // own logits shape): a labels list from another model would name the wrong classes.
  const classes = outputs.find((t) => t.name === meta.outputs.logits.name)?.shape?.[1];
  if (typeof classes === 'number' && classes > 0 && classes !== meta.labels.length) {
    throw new MetadataError(
      'labels',
      `has ${meta.labels.length} entries but the ONNX model's '${meta.outputs.logits.name}' output has ${classes} classes`,
    );
  }
  checkTensor('outputs.logits', meta.outputs.logits, outputs, 'output');
  checkTensor('outputs.expert_index', meta.outputs.expert_index, outputs, 'output');
  checkTensor('outputs.router_probs', meta.outputs.router_probs, outputs, 'output');
}
