import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'dist-harness/',
      'node_modules/',
      'training/',
      'public/',
      'coverage/',
      'test-results/',
      'playwright-report/',
      'e2e-artifacts/',
      'bench-results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    // Type-aware rules (floating promises, unsafe any) matter most in the async worker glue.
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    languageOptions: { globals: globals.browser },
  },
  {
    // The model maths is pure: no onnxruntime, no React, no DOM. Keeps it testable in Node and
    // reusable from the worker, the UI and benchmarks alike.
    files: ['src/model/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['onnxruntime-*', 'onnxruntime-*/**'],
              message: 'src/model must stay free of onnxruntime.',
            },
            {
              group: ['react', 'react-dom', 'react/**', 'react-dom/**'],
              message: 'src/model must stay free of React.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document'],
    },
  },
  {
    // The worker's inference engine: onnxruntime lives here, but it runs inside the worker, so no
    // React and no DOM.
    files: ['src/inference/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['react', 'react-dom', 'react/**', 'react-dom/**'],
              message: 'src/inference runs in the worker: no React.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document'],
    },
  },
  {
    files: ['*.{js,mjs,ts}', 'scripts/**/*.{js,mjs,ts}', 'e2e/**/*.ts', 'bench/**/*.{mjs,ts}'],
    ignores: ['e2e/harness/**', 'bench/page/**'],
    languageOptions: { globals: globals.node },
  },
  {
    // The harness and bench pages run in the browser (tsconfig.harness.json).
    files: ['e2e/harness/**/*.ts', 'bench/page/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
);
