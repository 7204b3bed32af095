import { useId } from 'react';
import { useAppState, useController } from '../app/context';
import { otherFacingCamera } from '../app/cameraFacing';
import { cameraNote, chosenModel, sourceDescription } from '../store/selectors';

/** Sample clips, the camera (picker, start/stop, front/rear, mirror) and file upload. */
export function SourcePanel() {
  const controller = useController();
  const source = useAppState((s) => s.source);
  const mirrorToggled = useAppState((s) => s.mirrorToggled);
  const model = chosenModel(useAppState((s) => s.models));
  const id = useId();
  const cameraOn = source.kind === 'camera' && source.status !== 'failed';
  const selectedSample = source.sample ?? source.samples[0]?.file ?? '';
  // Shown only where the device has both a front and a rear camera.
  const flipTo = cameraOn ? otherFacingCamera(source.cameras, source.cameraId) : null;

  return (
    <section className="panel sources" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Video source</h2>
      <div className="controls-row">
        <label htmlFor={`${id}-sample`}>Sample clip</label>
        <select
          id={`${id}-sample`}
          data-testid="sample-select"
          value={selectedSample}
          onChange={(e) => controller.chooseSample(e.target.value)}
        >
          {source.samples.map((s) => (
            <option key={s.file} value={s.file}>
              {s.label}
            </option>
          ))}
        </select>
        <button
          type="button"
          onClick={() => controller.chooseSample(selectedSample)}
          disabled={selectedSample === ''}
          data-testid="sample-play"
        >
          {source.kind === 'sample' ? 'Restart' : 'Play'} sample
        </button>
      </div>

      <div className="controls-row">
        <label htmlFor={`${id}-camera`}>Camera</label>
        <select
          id={`${id}-camera`}
          data-testid="camera-select"
          value={source.cameraId ?? ''}
          onChange={(e) => void controller.startCamera(e.target.value || null)}
        >
          <option value="">Default camera</option>
          {source.cameras.map((c) => (
            <option key={c.deviceId} value={c.deviceId}>
              {c.label}
            </option>
          ))}
        </select>
        {cameraOn ? (
          <button type="button" onClick={() => controller.stopCamera()} data-testid="camera-stop">
            Stop camera
          </button>
        ) : (
          <button
            type="button"
            onClick={() => void controller.startCamera(source.cameraId)}
            data-testid="camera-start"
          >
            Start camera
          </button>
        )}
        {flipTo !== null && (
          <button
            type="button"
            onClick={() => void controller.startCamera(flipTo.deviceId)}
            data-testid="camera-flip"
          >
            {flipTo.facing === 'environment' ? 'Use rear camera' : 'Use front camera'}
          </button>
        )}
        <label>
          <input
            type="checkbox"
            checked={source.mirrored}
            onChange={(e) => mirrorToggled(e.target.checked)}
          />{' '}
          Mirror preview
        </label>
      </div>
      {model !== null && (
        <p className="muted" data-testid="camera-note">
          {cameraNote(model)}
        </p>
      )}

      <div className="controls-row">
        <label htmlFor={`${id}-file`}>Video file</label>
        <input
          id={`${id}-file`}
          type="file"
          accept="video/*"
          data-testid="video-upload"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file !== undefined) controller.openFile(file);
            e.target.value = ''; // choosing the same file again still fires change
          }}
        />
      </div>
      <p className="muted" data-testid="source-label">
        Now: {sourceDescription(source)}
      </p>
    </section>
  );
}
