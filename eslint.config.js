import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', 'test-results/**', 'coverage/**', 'apps/agent/build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through apps/server/src/config.ts (validated once at boot).' }],
      'no-console': 'off',
    },
  },
  {
    // The places allowed to read process.env: the config loader, test/bench/CLI harnesses, the agent's own config.
    files: ['apps/server/src/config.ts', 'apps/server/src/main.ts', 'tests/**', 'scripts/**', '**/*.test.ts', '**/testing.ts', '**/testing/**', 'bench/**', 'apps/agent/src/config.ts', 'packages/test-kit/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
