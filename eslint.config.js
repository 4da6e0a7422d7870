// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

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
  {
    files: ['kiosk/**'],
    ignores: ['kiosk/test/**'],
    rules: neverImport(['@mypass/server', '@mypass/entra-emulator']),
  },
  // The kiosk's tests use the emulator's test CA for real HTTPS (testing.md); kiosk/src may not.
  { files: ['kiosk/test/**'], rules: neverImport(['@mypass/server']) },
  {
    files: ['test/entra-emulator/src/**'],
    rules: neverImport(['@mypass/flows', '@mypass/locales', '@mypass/server', '@mypass/kiosk']),
  },
  {
    files: ['kiosk/src/renderer/**', 'kiosk/src/web/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  // Kiosk process boundaries (style.md): `electron` at run time only in the two composition roots,
  // one per process; every other main/preload module takes Electron-shaped objects (type imports).
  {
    files: ['kiosk/src/main/**', 'kiosk/src/preload/**'],
    ignores: ['kiosk/src/main/electron-main.ts', 'kiosk/src/preload/preload.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              allowTypeImports: true,
              message:
                'Only kiosk/src/main/electron-main.ts and kiosk/src/preload/preload.ts import electron at run time; take Electron-shaped objects instead.',
            },
          ],
        },
      ],
    },
  },
  // The renderer runs sandboxed in Chromium (and in any browser): no Node built-ins, no Electron.
  {
    files: ['kiosk/src/renderer/**', 'kiosk/src/web/**', 'kiosk/src/electron-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'The renderer reaches main only through the preload bridge (window.mypass).',
            },
            ...builtinModules.map((name) => ({ name, message: 'The renderer has no Node.js.' })),
          ],
          patterns: [
            { group: ['node:*'], message: 'The renderer has no Node.js.' },
            {
              group: ['**/main/*', '**/preload/preload*', '**/preload/kiosk-bridge*'],
              message: 'Main and preload code do not belong in the renderer bundle.',
            },
          ],
        },
      ],
    },
  },
);
