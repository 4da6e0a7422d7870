// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Layering (architecture.md): flows and locales import nothing of ours; nothing imports kiosk or server.
const neverImport = (names) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: names.flatMap((n) => [n, `${n}/*`]),
          message: 'Layering: see architecture.md "Packages" (one direction only).',
        },
        {
          regex: '^(\\.\\./)+(flows|locales|server|kiosk)/',
          message: 'Import another workspace by its package name, never by a relative path.',
        },
      ],
    },
  ],
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.cache/**', 'artifacts/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['flows/**', 'locales/**'],
    rules: neverImport([
      '@mypass/flows',
      '@mypass/locales',
      '@mypass/server',
      '@mypass/kiosk',
      '@mypass/entra-emulator',
    ]),
  },
  {
    files: ['server/**'],
    ignores: ['server/test/**'],
    rules: neverImport(['@mypass/kiosk', '@mypass/entra-emulator']),
  },
  // The server's tests drive the real connector against the emulator (testing.md); server/src may not.
  { files: ['server/test/**'], rules: neverImport(['@mypass/kiosk']) },
  { files: ['kiosk/**'], rules: neverImport(['@mypass/server', '@mypass/entra-emulator']) },
  {
    files: ['test/entra-emulator/src/**'],
    rules: neverImport(['@mypass/flows', '@mypass/locales', '@mypass/server', '@mypass/kiosk']),
  },
  {
    files: ['kiosk/src/renderer/**', 'kiosk/src/web/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
