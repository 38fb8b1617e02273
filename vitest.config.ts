import { defineConfig } from 'vitest/config';

// One `npm test` runs every project. Integration tests start real processes and
// emulators, so files run in forked workers and hooks get time to boot a stack.
export default defineConfig({
  test: {
    projects: [
      // The web app: unit and component tests (happy-dom), and e2e in headless Chromium.
      'web/vite.config.ts',
      {
        test: {
          name: 'node',
          include: [
            '{shared,gateway,sandbox,worker,local,client}/src/**/*.test.ts',
            'tests/**/*.test.ts',
            'infra/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          pool: 'forks',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
