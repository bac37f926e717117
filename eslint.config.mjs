import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

// Layering (docs/architecture.md): platform ← integrations, pipeline (side by side) ← workflows ← apps.
// Integrations never import each other; the pipeline knows no vendor (the app puts the platforms'
// webhook guards in front of it); production code never imports sandbox or testing code.
const production = [
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'type:integration', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts'] },
  { sourceTag: 'type:pipeline', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts'] },
  {
    sourceTag: 'type:workflow',
    onlyDependOnLibsWithTags: ['type:platform', 'type:integration', 'type:pipeline', 'type:contracts'],
  },
  // The API side of checkout (libs/checkout): HTTP endpoints over the workflows' use cases.
  {
    sourceTag: 'type:checkout',
    onlyDependOnLibsWithTags: [
      'type:platform',
      'type:integration',
      'type:pipeline',
      'type:workflow',
      'type:contracts',
    ],
  },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: [
      'type:platform',
      'type:integration',
      'type:pipeline',
      'type:workflow',
      'type:checkout',
      'type:contracts',
    ],
  },
  { sourceTag: 'type:spa', onlyDependOnLibsWithTags: ['type:contracts'] },
  // The sandbox process hosts emulators and reads the shared sandbox defaults (ports, credentials).
  { sourceTag: 'type:sandbox-app', onlyDependOnLibsWithTags: ['type:sandbox', 'type:platform'] },
  { sourceTag: 'type:sandbox', onlyDependOnLibsWithTags: ['type:sandbox'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['*'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
  // Integrations stay apart: each scope may only reach its own scope or shared code.
  { sourceTag: 'scope:attio', notDependOnLibsWithTags: ['scope:zoho', 'scope:braintree'] },
  { sourceTag: 'scope:zoho', notDependOnLibsWithTags: ['scope:attio', 'scope:braintree'] },
  { sourceTag: 'scope:braintree', notDependOnLibsWithTags: ['scope:attio', 'scope:zoho'] },
];

// Tests may start the emulators in-process and use shared test helpers; the scope rule still holds
// for production imports, but a spec of libs/zoho may start the Zoho emulator.
const inTests = production.map((c) =>
  c.onlyDependOnLibsWithTags
    ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:sandbox', 'type:testing'] }
    : c,
);

const boundaries = (depConstraints) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], depConstraints },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: [
      '**/dist',
      '**/node_modules',
      '**/coverage',
      '**/.nx',
      'tmp',
      'data',
      '**/vite.config.*.timestamp*',
    ],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(production),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: [
      '**/*.spec.ts',
      '**/*.spec.tsx',
      '**/*.e2e.ts',
      '**/*.redis-spec.ts',
      '**/testing/**/*.ts',
      '**/*.fixtures.ts',
    ],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(inTests),
      // A failed lookup in a test should fail the test, which a non-null assertion does.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  prettier,
];
