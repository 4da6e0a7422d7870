import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['development'] },
  ssr: { resolve: { conditions: ['development'] } },
  test: {
    include: ['*/test/**/*.test.{ts,tsx}', 'test/*/test/**/*.test.{ts,tsx}', 'test/e2e/**/*.test.ts'],
    pool: 'forks',
    // Refuses and reports any connection beyond loopback (issue 2: nothing leaves the machine).
    setupFiles: ['server/test/directory/loopback-guard.setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
