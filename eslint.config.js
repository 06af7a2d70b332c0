import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'src/generated/', 'coverage/', '.data/', '.prof/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Type-aware: a promise nobody awaits or handles is a bug (an unhandled
    // rejection, or a write that may not have happened when we answer).
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-console': 'error',
    },
  },
  {
    // Request bodies and queries are validated: controllers take them through
    // ValidBody / ValidQuery (or ProtocolBody / ProtocolQuery where a protocol
    // checks its own input), never unchecked.
    files: ['src/**/*.ts'],
    ignores: ['src/infra/http/validation.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@nestjs/common',
              importNames: ['Body', 'Query'],
              message: 'Use ValidBody/ValidQuery (or ProtocolBody/ProtocolQuery) from src/infra/http/validation.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'bench/**/*.mjs', 'src/cli/**/*.ts', 'test/**/*.ts', '*.js', '*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        performance: 'readonly',
        AbortController: 'readonly',
        TextDecoder: 'readonly',
        module: 'writable',
      },
    },
    rules: { 'no-console': 'off' },
  },
  {
    // The example servers print where they listen; they run on Node.
    files: ['examples/*/server.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', fetch: 'readonly', URL: 'readonly' } },
    rules: { 'no-console': 'off' },
  },
  {
    // The examples' pages run in the browser, as ES modules loaded through an import map.
    files: ['examples/*/public/**/*.mjs'],
    languageOptions: {
      globals: {
        document: 'readonly',
        location: 'readonly',
        history: 'readonly',
        sessionStorage: 'readonly',
        fetch: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        CSS: 'readonly',
      },
    },
  },
  {
    // The console's one browser script (served as is, no bundler).
    files: ['src/console/assets/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        navigator: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        DOMParser: 'readonly',
        CustomEvent: 'readonly',
        EventSource: 'readonly',
        HTMLFormElement: 'readonly',
      },
    },
  },
);
