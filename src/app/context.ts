/**
 * How components reach the store and the controller: one React context created in main.tsx.
 * Both are built outside React, so StrictMode's double effects never start a second worker.
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from '../store';
import type { AppController } from './controller';

export interface AppServices {
  readonly store: AppStore;
  readonly controller: AppController;
}

export const AppContext = createContext<AppServices | null>(null);

function useServices(): AppServices {
  const services = useContext(AppContext);
  if (services === null) throw new Error('AppContext is missing: render inside <AppContext>');
  return services;
}

/** Subscribe to one piece of state; the selector must return stored values, not new objects. */
export function useAppState<T>(selector: (state: AppState) => T): T {
  return useStore(useServices().store, selector);
}

export function useController(): AppController {
  return useServices().controller;
}
