/**
 * The inference worker's memory, from outside: a CDP session on the page auto-attaches to its
 * dedicated workers (non-flattened sessions, driven with Target.sendMessageToTarget, since
 * Playwright's CDPSession cannot address child sessions directly), then per worker
 * Runtime.getHeapUsage (the V8 heap). Runtime.queryObjects(WebAssembly.Memory.prototype) never
 * answered inside the threaded worker here, so the WASM memory (onnxruntime's heap, which ORT
 * does not expose; `performance.memory` does not exist in workers) comes from the page's
 * performance.measureUserAgentSpecificMemory(), which attributes bytes to the worker: its
 * 'JavaScript' bytes include ArrayBuffers and the WASM memory.
 */
import type { CDPSession, Page } from 'playwright-core';

export interface WorkerMemory {
  readonly url: string;
  readonly title: string;
  readonly jsHeapUsedBytes: number;
  readonly jsHeapTotalBytes: number;
  /** Array buffers etc. outside the V8 heap (when this Chromium reports it). */
  readonly backingStorageBytes: number | null;
}

interface TargetInfo {
  readonly targetId: string;
  readonly type: string;
  readonly url: string;
  readonly title: string;
}

interface Reply {
  readonly id?: number;
  readonly result?: Record<string, unknown>;
  readonly error?: { message: string };
}

class ChildSessions {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  readonly attached: { sessionId: string; info: TargetInfo }[] = [];

  private readonly cdp: CDPSession;

  constructor(cdp: CDPSession) {
    this.cdp = cdp;
    cdp.on('Target.attachedToTarget', (e: { sessionId: string; targetInfo: TargetInfo }) => {
      this.attached.push({ sessionId: e.sessionId, info: e.targetInfo });
    });
    cdp.on('Target.receivedMessageFromTarget', (e: { message: string }) => {
      const reply = JSON.parse(e.message) as Reply;
      if (reply.id === undefined) return;
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  async call<T>(sessionId: string, method: string, params: object = {}): Promise<T> {
    const id = this.nextId++;
    const reply = new Promise<Reply>((resolve) => this.pending.set(id, resolve));
    await this.cdp.send('Target.sendMessageToTarget', {
      sessionId,
      message: JSON.stringify({ id, method, params }),
    });
    const timeout = new Promise<Reply>((resolve) =>
      setTimeout(() => resolve({ error: { message: 'no answer in 10 s' } }), 10_000),
    );
    const { result, error } = await Promise.race([reply, timeout]);
    if (error !== undefined) throw new Error(`${method}: ${error.message}`);
    return result as T;
  }
}

export async function workerMemory(page: Page): Promise<WorkerMemory[]> {
  const cdp = await page.context().newCDPSession(page);
  const children = new ChildSessions(cdp);
  try {
    await cdp.send('Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: false,
      flatten: false,
    });
    await new Promise((r) => setTimeout(r, 300)); // attachedToTarget events for existing workers
    const out: WorkerMemory[] = [];
    for (const { sessionId, info } of children.attached) {
      if (info.type !== 'worker') continue;
      const heap = await children.call<{
        usedSize: number;
        totalSize: number;
        backingStorageSize?: number;
      }>(sessionId, 'Runtime.getHeapUsage');
      out.push({
        url: info.url,
        title: info.title,
        jsHeapUsedBytes: heap.usedSize,
        jsHeapTotalBytes: heap.totalSize,
        backingStorageBytes: heap.backingStorageSize ?? null,
      });
    }
    return out;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

export interface WorkerAttribution {
  readonly url: string;
  readonly bytes: number;
}

/**
 * performance.measureUserAgentSpecificMemory() on a cross-origin isolated page: bytes per
 * dedicated worker (JS heap + array buffers + WASM memory). Chromium may take up to ~60 s (it
 * waits for a garbage collection). Null when not available.
 */
export async function measureWorkers(page: Page): Promise<WorkerAttribution[] | null> {
  return page.evaluate(async () => {
    const perf = performance as unknown as {
      measureUserAgentSpecificMemory?: () => Promise<{
        breakdown: { attribution: { scope: string; url: string }[]; bytes: number }[];
      }>;
    };
    if (!crossOriginIsolated || perf.measureUserAgentSpecificMemory === undefined) return null;
    const result = await perf.measureUserAgentSpecificMemory();
    return result.breakdown
      .filter((b) => b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope'))
      .map((b) => ({ url: b.attribution[0]!.url, bytes: b.bytes }));
  });
}

export interface HotFunction {
  readonly name: string;
  /** file:line:column (0-based line from V8 + 1). */
  readonly where: string;
  readonly selfMs: number;
  readonly share: number;
}

export interface MainThreadProfile {
  readonly seconds: number;
  readonly busyShare: number;
  readonly top: readonly HotFunction[];
  readonly byFile: Record<string, number>;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
    readonly columnNumber: number;
  };
}

/** A V8 CPU profile of the page's main thread for `seconds`, self time per function. */
export async function profileMainThread(page: Page, seconds: number): Promise<MainThreadProfile> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as {
      profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
    };
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<number, number>();
    // timeDeltas[i] is the time before sample i: attribute it to the previous sample's node.
    for (let i = 1; i < profile.samples.length; i++) {
      const id = profile.samples[i - 1]!;
      self.set(id, (self.get(id) ?? 0) + profile.timeDeltas[i]! / 1000);
    }
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    const fns = new Map<string, { name: string; where: string; ms: number }>();
    const byFile: Record<string, number> = {};
    let idle = 0;
    for (const [id, ms] of self) {
      const { functionName, url, lineNumber, columnNumber } = byId.get(id)!.callFrame;
      const name = functionName || '(anonymous)';
      if (name === '(idle)') idle += ms;
      const file = url === '' ? '' : url.split('/').pop()!;
      const where = file === '' ? '' : `${file}:${lineNumber + 1}:${columnNumber + 1}`;
      const key = `${name}@${where}`;
      const entry = fns.get(key) ?? { name, where, ms: 0 };
      entry.ms += ms;
      fns.set(key, entry);
      const fileKey = file === '' ? name : file;
      byFile[fileKey] = (byFile[fileKey] ?? 0) + ms;
    }
    const top = [...fns.values()]
      .filter((f) => f.name !== '(idle)')
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 20)
      .map((f) => ({ name: f.name, where: f.where, selfMs: f.ms, share: f.ms / total }));
    return {
      seconds: total / 1000,
      busyShare: (total - idle) / total,
      top,
      byFile: Object.fromEntries(
        Object.entries(byFile)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 12),
      ),
    };
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}
