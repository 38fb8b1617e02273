import { defineConfig } from 'vitest/config';

// The soak runs alone (`npm run test:soak`): a minute of load with workers killed.
export default defineConfig({
  test: {
    name: 'soak',
    include: ['tests/soak/**/*.soak.ts'],
    pool: 'forks',
    // Each file boots a stack of its own: on a loaded machine that takes more than vitest's default 10 s.
    hookTimeout: 60_000,
  },
});
