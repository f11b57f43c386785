// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * Layering by runtime (the VS Code idea, architecture rule 2), enforced here:
 * - src/shared: pure TypeScript — no node:*, no electron, no react/DOM packages.
 * - only src/main/electron and src/preload import `electron`.
 * - the renderer never imports main/server/Node code; the server never imports main/renderer.
 */
const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'url', 'stream'];
const noElectron = { name: 'electron', message: 'Only src/main/electron and src/preload may import electron.' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**', '.muster/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', { paths: [noElectron] }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, { name: 'react', message: 'src/shared is pure TypeScript.' }],
          patterns: [
            { group: nodeBuiltins, message: 'src/shared must not use Node APIs.' },
            { group: ['**/main/**', '**/renderer/**', '**/server/**', '**/preload/**'], message: 'src/shared depends on nothing else in src.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}', 'test/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            { group: nodeBuiltins, message: 'The renderer never touches Node.' },
            { group: ['**/main/**', '**/server/**', '**/preload/**'], message: 'The renderer talks to main only through window.muster.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron], patterns: [{ group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'The server stands alone.' }] },
      ],
    },
  },
  {
    files: ['src/main/electron/**/*.ts', 'src/preload/**/*.ts', 'test/main/electron/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
