import { defineConfig } from 'vitest/config';

// The soak runs alone (`npm run test:soak`): a minute of load with workers killed.
export default defineConfig({
  test: {
    name: 'soak',
    include: ['tests/soak/**/*.soak.ts'],
    pool: 'forks',
  },
});
