import { useAppState } from '../app/context';
import { reloadForUpdate } from '../app/serviceWorker';
import { updatePrompt } from '../store/offlineSlice';

/**
 * "A new version is ready — Reload / Later": shown while a new service worker waits. Nothing
 * changes until the user chooses; Reload warns first when it would clear the clip log.
 */
export function UpdatePrompt() {
  const update = useAppState((s) => s.offline.update);
  const clips = useAppState((s) => s.results.log.entries.length);
  const deferred = useAppState((s) => s.updateDeferred);
  const prompt = updatePrompt(update, clips);
  if (prompt === null) return null;
  return (
    <div className="update-prompt" role="status" data-testid="update-prompt">
      <strong>{prompt.message}</strong>
      {prompt.loses !== null && <span className="muted"> {prompt.loses}</span>}{' '}
      {prompt.canDefer && (
        <>
          <button type="button" onClick={reloadForUpdate} data-testid="update-reload">
            Reload
          </button>{' '}
          <button type="button" onClick={deferred} data-testid="update-later">
            Later
          </button>
        </>
      )}
    </div>
  );
}
