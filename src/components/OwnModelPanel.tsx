import { useEffect, useId, useState, type DragEvent } from 'react';
import { useAppState, useController } from '../app/context';
import { isOwnModelId } from '../model/ownModelId';

/** Drops that carry files (not text or links dragged about the page). */
const hasFiles = (e: { dataTransfer: DataTransfer | null }) =>
  e.dataTransfer?.types.includes('Files') ?? false;

/**
 * Your model: open an .onnx with its metadata .json (file picker, or a drop here or anywhere on
 * the page), optionally keep it on this device; the models opened or kept, with their size and
 * Forget. The files are read in the page and never uploaded (src/app/ownModels.ts).
 */
export function OwnModelPanel() {
  const controller = useController();
  const own = useAppState((s) => s.models.own);
  const keep = useAppState((s) => s.models.keepOwn);
  const keepOwnToggled = useAppState((s) => s.keepOwnToggled);
  const running = useAppState((s) => s.models.choice?.id ?? null);
  const [dragging, setDragging] = useState(false);
  const id = useId();

  // A drop anywhere else on the page goes the same way (the video stage handles its own), rather
  // than the browser leaving the page to show the file.
  useEffect(() => {
    const over = (e: globalThis.DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const drop = (e: globalThis.DragEvent) => {
      if (e.defaultPrevented || !hasFiles(e)) return;
      e.preventDefault();
      controller.dropFiles(Array.from(e.dataTransfer?.files ?? []));
    };
    document.addEventListener('dragover', over);
    document.addEventListener('drop', drop);
    return () => {
      document.removeEventListener('dragover', over);
      document.removeEventListener('drop', drop);
    };
  }, [controller]);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    controller.dropFiles(Array.from(e.dataTransfer.files));
  };

  return (
    <section
      className={`panel own-models${dragging ? ' dragging' : ''}`}
      aria-labelledby={`${id}-h`}
      data-testid="own-model-zone"
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <h2 id={`${id}-h`}>Your model</h2>
      <p className="muted">
        Run your own MoNE export: choose its <code>.onnx</code> and its metadata <code>.json</code>{' '}
        together, or drop both here. They are read on this device and never uploaded.
      </p>
      <div className="controls-row">
        <label htmlFor={`${id}-files`}>Model files</label>
        <input
          id={`${id}-files`}
          type="file"
          multiple
          accept=".onnx,.json,application/json"
          data-testid="own-model-files"
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = ''; // choosing the same files again still fires change
            if (files.length > 0) void controller.openOwnModel(files, keep);
          }}
        />
        <label>
          <input
            type="checkbox"
            data-testid="own-model-keep"
            checked={keep}
            onChange={(e) => keepOwnToggled(e.target.checked)}
          />{' '}
          Keep on this device
        </label>
      </div>
      {dragging && <p className="muted">Drop the .onnx and its .json to open your model</p>}
      {own.length > 0 && (
        <ul className="own-model-list" data-testid="own-models">
          {own.map((m) => (
            <li key={m.id} data-testid="own-model" data-kept={m.own.kept}>
              <span>{m.name}</span> <span className="muted">({m.task})</span>{' '}
              {m.id !== running && (
                <button type="button" onClick={() => controller.chooseModel(m.id)}>
                  Run
                </button>
              )}{' '}
              <button
                type="button"
                data-testid="own-model-forget"
                onClick={() => void controller.forgetOwnModel(m.id)}
              >
                Forget
              </button>
            </li>
          ))}
        </ul>
      )}
      {running !== null && isOwnModelId(running) && (
        <p className="muted" data-testid="own-model-link-note">
          The link in the address bar cannot carry a model from your disk: it opens the default
          model.{' '}
          {own.find((m) => m.id === running)?.own.kept === true
            ? 'This one stays listed here on this device.'
            : 'Tick “Keep on this device” before opening it to find it here next time.'}
        </p>
      )}
    </section>
  );
}
