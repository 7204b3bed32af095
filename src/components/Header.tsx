import { useMemo } from 'react';
import { useAppState } from '../app/context';
import { statusText } from '../store/selectors';
import { ModelPicker } from './ModelPicker';

/**
 * Title, engine status (data-testid="status"), the hidden-tab pause, the backend badge and the
 * model picker.
 */
export function Header() {
  const engine = useAppState((s) => s.engine);
  const errors = useAppState((s) => s.errors);
  const hidden = useAppState((s) => s.source.hidden);
  const status = useMemo(() => statusText(engine, errors), [engine, errors]);
  const backend = engine.backend?.backend;
  return (
    <header className="header">
      <h1>MoNE Live</h1>
      <p className={`status status-${engine.phase}`} data-testid="status" role="status">
        {status}
      </p>
      {/* Always present, so screen readers announce the text when it appears. */}
      <p className="status muted" data-testid="visibility-status" role="status">
        {hidden ? 'Paused while the tab is hidden' : ''}
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
