import { useMemo } from 'react';
import { useAppState } from '../app/context';
import { statusText } from '../store/selectors';
import { ModelPicker } from './ModelPicker';

/** Title, engine status (data-testid="status"), the backend badge and the model picker. */
export function Header() {
  const engine = useAppState((s) => s.engine);
  const errors = useAppState((s) => s.errors);
  const status = useMemo(() => statusText(engine, errors), [engine, errors]);
  const backend = engine.backend?.backend;
  return (
    <header className="header">
      <h1>MoNE Live</h1>
      <p className={`status status-${engine.phase}`} data-testid="status" role="status">
        {status}
      </p>
      {backend !== undefined && (
        <span className="badge" title={engine.backend?.reason}>
          <span className="visually-hidden">Backend: </span>
          {backend === 'webgpu' ? 'WebGPU' : 'WASM'}
        </span>
      )}
      <ModelPicker />
    </header>
  );
}
