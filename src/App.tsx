import { lazy, Suspense } from 'react';
import { BudgetPanel } from './components/BudgetPanel';
import { ComparePanel } from './components/ComparePanel';
import { ErrorBoundary } from './components/ErrorBoundary';
import { ErrorRegion } from './components/ErrorRegion';
import { Header } from './components/Header';
import { OwnModelPanel } from './components/OwnModelPanel';
import { HeatmapControls } from './components/HeatmapControls';
import { Predictions } from './components/Predictions';
import { RuntimePanel } from './components/RuntimePanel';
import { SourcePanel } from './components/SourcePanel';
import { UpdatePrompt } from './components/UpdatePrompt';
import { VideoStage } from './components/VideoStage';

// The video, prediction and budget render first; the charts' chunk follows.
const Charts = lazy(() =>
  import('./components/charts/Charts').then((m) => ({ default: m.Charts })),
);

/** Layout only: every part reads the store itself. */
export function App() {
  return (
    <>
      <Header />
      <main className="layout">
        <ErrorRegion />
        {/* The document order is the reading and Tab order on every width: the video and the
            prediction first, then the controls (styles.css places them in two columns). */}
        <div className="col-video">
          <VideoStage />
        </div>
        <div className="col-side">
          <Predictions />
          <BudgetPanel />
          <ComparePanel />
        </div>
        <div className="col-controls">
          <HeatmapControls />
          <SourcePanel />
          <OwnModelPanel />
        </div>
        <ErrorBoundary area="The charts">
          <Suspense fallback={<div className="charts muted">Loading charts…</div>}>
            <Charts />
          </Suspense>
        </ErrorBoundary>
        <RuntimePanel />
      </main>
      <UpdatePrompt />
    </>
  );
}
