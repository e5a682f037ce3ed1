// Lint configuration: recommended rules plus the house rule that nothing spawns a shell.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'scripts/**', 'eslint.config.js', '.dependency-cruiser.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', {
        paths: [{ name: 'node:child_process', importNames: ['exec', 'execSync'], message: 'Never a shell: use src/system/runner.ts.' }],
      }],
      'no-restricted-properties': ['error', { property: 'exit', object: 'process', message: 'Only src/cli/bin.ts exits.' }],
    },
  },
  {
    // A static import of `yaml` loads its ~70 files on every command's start: src/core/yaml-text.ts loads it on first use.
    files: ['src/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'node:child_process', importNames: ['exec', 'execSync'], message: 'Never a shell: use src/system/runner.ts.' },
          { name: 'yaml', allowTypeImports: true, message: 'Read and write YAML through src/core/yaml-text.ts (loaded on first use).' },
        ],
      }],
    },
  },
  {
    files: ['src/cli/bin.ts', 'test/**', 'bench/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
