import { defineConfig } from 'vitest/config';

const resolveDevelopment = {
  resolve: { conditions: ['development'] },
  ssr: { resolve: { conditions: ['development'] } },
};
const shared = {
  pool: 'forks' as const,
  // Refuses and reports any connection beyond loopback (issue 2: nothing leaves the machine).
  setupFiles: [
    'server/test/directory/loopback-guard.setup.ts',
    // Hands each file's captured logs, audit rows and secrets to the whole-suite secret scan (T8).
    'server/test/security/suite-secret-scan.setup.ts',
  ],
  // The whole-suite secret scan itself, when the run ends (server/test/security/suite-secret-scan.ts).
  globalSetup: ['server/test/security/suite-secret-scan.global.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  ...resolveDevelopment,
  test: {
    ...shared,
    // Two projects, each with its own file list (`extends: true` would add to the include list,
    // not replace it). `vitest run --project main` runs the first only.
    projects: [
      {
        ...resolveDevelopment,
        test: {
          ...shared,
          name: 'main',
          include: ['*/test/**/*.test.{ts,tsx}', 'test/*/test/**/*.test.{ts,tsx}', 'test/e2e/**/*.test.ts'],
        },
      },
      {
        ...resolveDevelopment,
        test: {
          ...shared,
          // The app and flow suites once more on PostgreSQL, each test app on its own schema
          // (server/test/store/test-store.ts); the store suites cover both dialects themselves.
          name: 'postgres',
          include: [
            'server/test/app/**/*.test.ts',
            'server/test/security/**/*.test.ts',
            'server/test/flows-machines.test.ts',
          ],
          exclude: [
            // No store behind these, or timing figures a shared database would only make noisy.
            'server/test/app/demo-mode.test.ts',
            'server/test/app/main.test.ts',
            'server/test/app/serve-command.test.ts',
            'server/test/security/timing.test.ts',
          ],
          env: { MYPASS_TEST_STORE: 'postgres' },
        },
      },
    ],
  },
});
