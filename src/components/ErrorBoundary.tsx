import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  readonly children: ReactNode;
  /** Names the part of the page that failed ("Charts"). */
  readonly area?: string;
}

interface State {
  readonly error: Error | null;
}

/**
 * A rendering bug shows a message in place of the broken part, never a blank page. Wraps the
 * whole app and, separately, the charts (a chart library error should not take the video down).
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('MoNE Live: render error', error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (error === null) return this.props.children;
    return (
      <div className="panel boundary" role="alert">
        <h2>{this.props.area ?? 'The app'} stopped working</h2>
        <p>{error.message}</p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>{' '}
        <button type="button" onClick={() => window.location.reload()}>
          Reload the page
        </button>
      </div>
    );
  }
}
