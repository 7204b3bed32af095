import { cellOfToken } from '../model/routing';
import { cellTooltip, expertColour, type HeatmapView } from '../store/selectors';

interface Props {
  readonly view: HeatmapView | null;
  readonly widths: readonly number[];
  readonly visible: boolean;
  readonly opacity: number;
  readonly onHover: (cell: number | null) => void;
}

/**
 * One square per patch over the model's input square, coloured by the expert that took the token.
 * data-counts carries the shown step's per-expert token counts for automation.
 */
export function HeatmapOverlay({ view, widths, visible, opacity, onHover }: Props) {
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
          aria-label={`Routing of time step ${view.t + 1}: tokens per expert ${counts.join(', ')}`}
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
        </svg>
      )}
    </div>
  );
}
