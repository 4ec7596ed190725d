/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/test/setup/environment.js',
  rootDir: '.',
  testMatch: ['<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  globalSetup: '<rootDir>/test/setup/global-setup.js',
  // The longest files first, also in a clean clone without Jest's timings of an earlier run.
  testSequencer: '<rootDir>/test/setup/sequencer.js',
  maxWorkers: 2,
  testTimeout: 60_000,
  slowTestThreshold: 30,
};
