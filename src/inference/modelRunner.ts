/**
 * One inference on one session: clip + counts → tensors → session.run → typed outputs, and the
 * decode of those outputs into what the UI shows.
 *
 * onnxruntime is passed in (the session and its Tensor class) rather than imported, so this exact
 * code runs in the worker with onnxruntime-web and in Node tests with onnxruntime-node (both
 * implement onnxruntime-common's API).
 */
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { gmacsForCounts } from '../model/macs';
import type { ModelMetadata } from '../model/metadata';
import { checkModelIO } from '../model/modelContract';
import type { GraphTensor } from '../model/modelContract';
import { softmax } from '../model/postprocess';
import { decodeRouting } from '../model/routing';

export interface ClipOutputs {
  /** [num_classes] */
  readonly logits: Float32Array;
  /** [time_steps * per_step], expert id per token. */
  readonly expertIndex: Int32Array;
  /** [time_steps * per_step * E] */
  readonly routerProbs: Float32Array;
}

export interface DecodedOutputs {
  readonly logits: number[];
  readonly probs: number[];
  /** Tokens per expert observed in expert_index, per time step [T'][E]. */
  readonly observedCounts: number[][];
  readonly gmacs: number;
}

function graphTensors(values: readonly InferenceSession.ValueMetadata[]): GraphTensor[] {
  return values.map((v) => (v.isTensor ? { name: v.name, type: v.type, shape: v.shape } : v));
}

/** Copies a CPU output out of ORT's tensor (so it can be transferred) and checks its type. */
function outputData<T extends Float32Array | Int32Array>(
  outputs: InferenceSession.ReturnType,
  name: string,
  kind: new (src: ArrayLike<number>) => T,
): T {
  const tensor = outputs[name];
  if (tensor === undefined) throw new Error(`the model returned no '${name}' output`);
  const data = tensor.data;
  if (!(data instanceof kind))
    throw new Error(`output '${name}' is ${tensor.type}, not ${kind.name}`);
  return data.slice() as T;
}

export class ModelRunner {
  private readonly session: InferenceSession;
  private readonly TensorClass: typeof Tensor;
  private readonly meta: ModelMetadata;

  /** Throws MetadataError when the session's inputs/outputs disagree with the metadata. */
  constructor(session: InferenceSession, TensorClass: typeof Tensor, meta: ModelMetadata) {
    checkModelIO(meta, graphTensors(session.inputMetadata), graphTensors(session.outputMetadata));
    this.session = session;
    this.TensorClass = TensorClass;
    this.meta = meta;
  }

  /**
   * Runs one clip ([1, T, 3, H, W] normalised, see src/model/preprocess.ts) with per-expert token
   * counts. The caller must not modify `clip` until the promise settles.
   */
  async run(clip: Float32Array, counts: readonly number[]): Promise<ClipOutputs> {
    const { inputs, outputs, video } = this.meta;
    const feeds = {
      [inputs.video.name]: new this.TensorClass('float32', clip, [
        1,
        video.frames,
        3,
        video.height,
        video.width,
      ]),
      // int64 in the graph (it feeds TopK's K and ScatterND indices), hence BigInt64Array.
      [inputs.expert_counts.name]: new this.TensorClass(
        'int64',
        BigInt64Array.from(counts, (k) => BigInt(k)),
        [counts.length],
      ),
    };
    const results = await this.session.run(feeds);
    try {
      return {
        logits: outputData(results, outputs.logits.name, Float32Array),
        expertIndex: outputData(results, outputs.expert_index.name, Int32Array),
        routerProbs: outputData(results, outputs.router_probs.name, Float32Array),
      };
    } finally {
      for (const tensor of Object.values(results)) tensor.dispose();
    }
  }

  /** Frees the session (its weights and buffers); the runner is unusable afterwards. */
  release(): Promise<void> {
    return this.session.release();
  }
}

/** Probabilities, observed routing counts and the compute the budget cost. */
export function decodeOutputs(
  out: ClipOutputs,
  meta: ModelMetadata,
  counts: readonly number[],
): DecodedOutputs {
  const routing = decodeRouting(out.expertIndex, meta);
  return {
    logits: Array.from(out.logits),
    probs: Array.from(softmax(out.logits)),
    observedCounts: routing.steps.map((step) => [...step.counts]),
    gmacs: gmacsForCounts(meta, counts),
  };
}
