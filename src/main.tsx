import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { AppContext } from './app/context';
import { AppController } from './app/controller';
import { startServiceWorker } from './app/serviceWorker';
import { startStorageWatch } from './app/storageWatch';
import { parseUrlState } from './app/urlState';
import { ErrorBoundary } from './components/ErrorBoundary';
import { createAppStore } from './store';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html is missing the #root element');

// Built once, outside React: StrictMode's double-mounted effects must not start a second worker
// (the model would be fetched twice).
const base = import.meta.env.BASE_URL;
const store = createAppStore();
const controller = new AppController(store, {
  modelsUrl: `${base}models/index.json`,
  search: window.location.search,
});
// Before the controller starts: the storage check runs on the first download.
startStorageWatch(store);
startServiceWorker(store);
controller.start(parseUrlState(window.location.search));

createRoot(root).render(
  <StrictMode>
    <ErrorBoundary>
      <AppContext value={{ store, controller }}>
        <App />
      </AppContext>
    </ErrorBoundary>
  </StrictMode>,
);
