/**
 * Test support (like testFixtures.ts): an in-memory Cache Storage for Node tests, which have
 * none; enough of the API for the model loader and the kept models.
 */
export class FakeCacheStorage {
  readonly stores = new Map<string, Map<string, Uint8Array>>();
  quotaExceeded = false;
  async open(name: string) {
    await Promise.resolve();
    let store = this.stores.get(name);
    if (store === undefined) this.stores.set(name, (store = new Map<string, Uint8Array>()));
    const entries = store;
    const keyOf = (r: string | { url: string }) => (typeof r === 'string' ? r : r.url);
    return {
      match: async (key: string) => {
        await Promise.resolve();
        const bytes = entries.get(key);
        return bytes === undefined ? undefined : new Response(bytes.slice());
      },
      put: async (key: string, response: Response) => {
        const bytes = new Uint8Array(await response.arrayBuffer());
        if (this.quotaExceeded) throw new DOMException('quota', 'QuotaExceededError');
        entries.set(key, bytes);
      },
      keys: async () => {
        await Promise.resolve();
        return [...entries.keys()].map((url) => ({ url }));
      },
      delete: async (r: string | { url: string }) => {
        await Promise.resolve();
        return entries.delete(keyOf(r));
      },
    };
  }
  async has(name: string) {
    await Promise.resolve();
    return this.stores.has(name);
  }
  async delete(name: string) {
    await Promise.resolve();
    return this.stores.delete(name);
  }
}
