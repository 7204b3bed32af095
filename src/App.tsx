// Placeholder shell: the real app (store, worker bridge, views) replaces the body of this
// component. The heading and the status element are what e2e/smoke.spec.ts relies on.
export function App() {
  const isolated = globalThis.crossOriginIsolated;
  return (
    <main>
      <h1>MoNE Live</h1>
      <p data-testid="status">
        {isolated ? 'cross-origin isolated' : 'not cross-origin isolated (WASM threads disabled)'}
      </p>
    </main>
  );
}
