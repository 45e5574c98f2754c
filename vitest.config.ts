import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Integration and browser tests start real local servers; give them room on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // Handlers log every step at INFO; in test output only warnings and errors help.
    env: { POWERTOOLS_LOG_LEVEL: 'WARN' },
  },
});
