import { cellOfToken } from '../model/routing';
import { cellTooltip, expertColour, type HeatmapView } from '../store/selectors';
import { moveCell } from './geometry';

interface Props {
  readonly view: HeatmapView | null;
  readonly widths: readonly number[];
  readonly visible: boolean;
  readonly opacity: number;
  /** The cell under the pointer or the keyboard cursor (its readout is shown below the stage). */
  readonly active: number | null;
  readonly onHover: (cell: number | null) => void;
  /** The cells are drawn mirrored: left and right arrows swap. */
  readonly flipped: boolean;
}

/**
 * One square per patch over the model's input square, coloured by the expert that took the token.
 * data-counts carries the shown step's per-expert token counts for automation. Keyboard: the
 * overlay is one tab stop; arrow keys, Home and End move a cursor over the cells, whose readout
 * (a polite live region) says the patch's expert and router probability, as hovering does.
 */
export function HeatmapOverlay({
  view,
  widths,
  visible,
  opacity,
  active,
  onHover,
  flipped,
}: Props) {
  const counts = view?.counts ?? [];
  const E = widths.length;
  return (
    <div
      className="heatmap"
      data-testid="heatmap"
      data-counts={JSON.stringify(counts)}
      data-step={view?.t ?? ''}
      data-ec={view?.ec ?? ''}
    >
      {view !== null && visible && (
        <svg
          viewBox={`0 0 ${view.cols} ${view.rows}`}
          preserveAspectRatio="none"
          style={{ opacity }}
          onPointerLeave={() => onHover(null)}
          role="img"
          aria-label={`Routing of time step ${view.t + 1}: tokens per expert ${counts.join(', ')}. Arrow keys read one patch at a time.`}
          tabIndex={0}
          data-testid="heatmap-cells"
          onFocus={() => onHover(active ?? 0)}
          onBlur={() => onHover(null)}
          onKeyDown={(e) => {
            const next = moveCell(active ?? 0, e.key, view.rows, view.cols, flipped);
            if (next === null) return;
            e.preventDefault(); // arrows would scroll the page
            onHover(next);
          }}
        >
          {view.cells.map((cell, i) => {
            const { row, col } = cellOfToken(i, view.cols);
            return (
              <rect
                key={i}
                x={col}
                y={row}
                width={1}
                height={1}
                fill={expertColour(cell.expert, E)}
                onPointerEnter={() => onHover(i)}
              >
                <title>{cellTooltip(row, col, cell.expert, widths, cell.prob)}</title>
              </rect>
            );
          })}
          {active !== null && active < view.cells.length && (
            <rect
              className="cell-cursor"
              x={active % view.cols}
              y={Math.floor(active / view.cols)}
              width={1}
              height={1}
            />
          )}
        </svg>
      )}
    </div>
  );
}
