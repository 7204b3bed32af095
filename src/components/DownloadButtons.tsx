import { useId } from 'react';
import { useController } from '../app/context';
import type { DownloadKind } from '../app/downloads';

export interface DownloadChoice {
  readonly kind: DownloadKind;
  /** The button's text, e.g. "CSV". */
  readonly label: string;
  /** Its accessible name, containing `label`, e.g. "Download the clip log as CSV". */
  readonly description: string;
}

interface Props {
  readonly choices: readonly DownloadChoice[];
  /** Why nothing can be saved yet (the buttons are disabled and point at it); null: enabled. */
  readonly blocker: string | null;
  readonly label: string;
}

/** A labelled group of download buttons, disabled with the reason shown when there is nothing. */
export function DownloadButtons({ choices, blocker, label }: Props) {
  const controller = useController();
  const reasonId = useId();
  return (
    <div className="downloads" role="group" aria-label={label}>
      {choices.map((c) => (
        <button
          key={c.kind}
          type="button"
          onClick={() => controller.download(c.kind)}
          disabled={blocker !== null}
          aria-label={c.description}
          aria-describedby={blocker === null ? undefined : reasonId}
          title={blocker ?? c.description}
          data-testid={`download-${c.kind}`}
        >
          <span aria-hidden="true">⤓</span> {c.label}
        </button>
      ))}
      {blocker !== null && (
        <span id={reasonId} className="muted download-reason">
          {blocker}
        </span>
      )}
    </div>
  );
}
