import { useAppState, useController } from '../app/context';

/**
 * Every failure as a sentence on the page (data-testid="error"): source, model, engine and
 * budget problems. Empty (and hidden) when all is well. A model or engine error that stopped the
 * engine offers Retry; a warning (the app went on by itself, e.g. fp32 after int8 failed) does not.
 */
export function ErrorRegion() {
  const errors = useAppState((s) => s.errors);
  const phase = useAppState((s) => s.engine.phase);
  const dismiss = useAppState((s) => s.errorDismissed);
  const controller = useController();
  return (
    <div className="errors" data-testid="error" role="alert" aria-live="assertive">
      {errors.map((e) => (
        <div key={e.id} className={`error error-${e.severity}`}>
          <strong>{e.title}.</strong> {e.message}{' '}
          {phase === 'error' &&
            e.severity === 'error' &&
            (e.scope === 'model' || e.scope === 'engine') && (
              <button type="button" onClick={() => controller.retry()}>
                Retry
              </button>
            )}{' '}
          <button type="button" aria-label={`Dismiss: ${e.title}`} onClick={() => dismiss(e.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
