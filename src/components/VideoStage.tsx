import { useCallback, useMemo, useState, type DragEvent } from 'react';
import { useAppState, useController } from '../app/context';
import { cellOfToken } from '../model/routing';
import { cellTooltip, chosenModel, heatmapView } from '../store/selectors';
import { cropBoxPercent, stageSize } from './geometry';
import { HeatmapOverlay } from './HeatmapOverlay';

/**
 * The playing video with the routing heatmap laid over the model's input square; also the
 * drop target for video files. The camera preview may be mirrored: the whole box is flipped, so
 * the overlay stays on the same pixels. A model that gets mirrored camera frames
 * (camera_mirrored) sees column c where the camera has column W-1-c: its overlay is flipped
 * inside the box.
 */
export function VideoStage() {
  const controller = useController();
  const source = useAppState((s) => s.source);
  const latest = useAppState((s) => s.results.latest);
  const heatmap = useAppState((s) => s.heatmap);
  const meta = useAppState((s) => s.engine.metadata);
  const model = chosenModel(useAppState((s) => s.models));
  const [hover, setHover] = useState<number | null>(null);
  const [dragging, setDragging] = useState(false);
  // The controller owns the element (sources, frame capture); React only mounts it.
  const attachVideo = useCallback(
    (video: HTMLVideoElement | null) => controller.attachVideo(video),
    [controller],
  );

  const view = useMemo(
    () => (meta === null ? null : heatmapView(meta, latest, heatmap.step)),
    [meta, latest, heatmap.step],
  );
  const size = stageSize(source.videoSize);
  const crop = cropBoxPercent(size.width, size.height);
  const ratio = size.width / size.height;
  const mirrored = source.kind === 'camera' && source.mirrored;
  const modelMirrored = source.kind === 'camera' && (model?.camera_mirrored ?? false);
  const hoveredCell = hover !== null && view !== null ? view.cells[hover] : undefined;
  const hoveredAt = hover !== null && view !== null ? cellOfToken(hover, view.cols) : null;

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    // A video plays; an .onnx with its .json opens as your model.
    controller.dropFiles(Array.from(e.dataTransfer.files));
  };

  return (
    <section className="panel stage-panel" aria-label="Video and routing heatmap">
      <div
        className={`stage${dragging ? ' dragging' : ''}`}
        data-testid="drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <div
          className="stage-box"
          style={{
            aspectRatio: `${size.width} / ${size.height}`,
            width: `min(100%, calc(62vh * ${ratio}))`,
            transform: mirrored ? 'scaleX(-1)' : undefined,
          }}
        >
          <video ref={attachVideo} data-testid="video" muted playsInline />
          <div
            className="crop"
            style={{
              left: `${crop.left}%`,
              top: `${crop.top}%`,
              width: `${crop.width}%`,
              height: `${crop.height}%`,
              transform: modelMirrored ? 'scaleX(-1)' : undefined,
            }}
          >
            <HeatmapOverlay
              view={view}
              widths={meta?.experts.widths ?? []}
              visible={heatmap.visible}
              opacity={heatmap.opacity}
              active={hover}
              onHover={setHover}
              flipped={mirrored !== modelMirrored}
            />
          </div>
        </div>
        {source.status !== 'playing' && source.status !== 'starting' && (
          <p className="stage-hint">
            Choose a sample, start the camera, or drop a video file here.
          </p>
        )}
        {dragging && <p className="stage-hint">Drop to classify this video</p>}
      </div>
      <p className="cell-readout" aria-live="polite">
        {hoveredCell !== undefined && hoveredAt !== null
          ? cellTooltip(
              hoveredAt.row,
              hoveredAt.col,
              hoveredCell.expert,
              meta?.experts.widths ?? [],
              hoveredCell.prob,
            )
          : 'Hover a patch, or focus the heatmap and use the arrow keys, to see its expert and router probability.'}
      </p>
    </section>
  );
}
