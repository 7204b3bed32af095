import { useId, useMemo } from 'react';
import { useAppState } from '../app/context';
import { frameBlocker } from '../store/exports';
import { expertColour, heatmapView } from '../store/selectors';
import { DownloadButtons } from './DownloadButtons';

/** Show/hide, opacity, which time step, and the legend (expert width + tokens in that step). */
export function HeatmapControls() {
  const meta = useAppState((s) => s.engine.metadata);
  const latest = useAppState((s) => s.results.latest);
  const heatmap = useAppState((s) => s.heatmap);
  const toggled = useAppState((s) => s.heatmapToggled);
  const opacityChanged = useAppState((s) => s.heatmapOpacityChanged);
  const stepChosen = useAppState((s) => s.heatmapStepChosen);
  const playing = useAppState((s) => s.source.status === 'playing');
  const id = useId();
  const view = useMemo(
    () => (meta === null ? null : heatmapView(meta, latest, heatmap.step)),
    [meta, latest, heatmap.step],
  );
  if (meta === null) return null;
  const widths = meta.experts.widths;
  const steps = meta.tokens.time_steps;
  const frames = meta.tokens.tubelet_size;

  return (
    <section className="panel heatmap-controls" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Routing heatmap</h2>
      <div className="controls-row">
        <label>
          <input
            type="checkbox"
            checked={heatmap.visible}
            onChange={(e) => toggled(e.target.checked)}
            data-testid="heatmap-toggle"
          />{' '}
          Show
        </label>
        <label>
          Opacity{' '}
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={heatmap.opacity}
            onChange={(e) => opacityChanged(Number(e.target.value))}
            aria-valuetext={`${Math.round(heatmap.opacity * 100)}%`}
            data-testid="heatmap-opacity"
          />
        </label>
        <label>
          Time step{' '}
          <select
            value={String(heatmap.step)}
            onChange={(e) =>
              stepChosen(e.target.value === 'latest' ? 'latest' : Number(e.target.value))
            }
            data-testid="heatmap-step"
          >
            <option value="latest">Latest</option>
            {Array.from({ length: steps }, (_, t) => (
              <option key={t} value={t}>
                Step {t + 1} (frames {t * frames + 1}–{(t + 1) * frames})
              </option>
            ))}
          </select>
        </label>
      </div>
      <ul className="legend" aria-label="Experts, smallest to full">
        {widths.map((w, e) => (
          <li key={e}>
            <span className="swatch" style={{ background: expertColour(e, widths.length) }} />
            Expert {e + 1}: {w}-d
            {e === widths.length - 1 ? ' (full)' : ''} — <strong>{view?.counts[e] ?? '–'}</strong>{' '}
            tokens
          </li>
        ))}
      </ul>
      <DownloadButtons
        label="Save the frame with its routing"
        blocker={frameBlocker(view !== null, playing)}
        choices={[
          {
            kind: 'frame-png',
            label: 'PNG',
            description: 'Download the frame with its heatmap and legend as PNG',
          },
        ]}
      />
    </section>
  );
}
