/**
 * Two tiers, as jest projects:
 * - `unit`: everything that needs no tool from outside npm (no Terraform, no emulator, no AWS CLI, no shell under
 *   test). `npm run test:unit`, the fast loop.
 * - `integration`: the files that start the emulator, run Terraform or call `describeWithTools`/`requireTool`.
 * `npm test` runs both. A file's tier is read from what it calls, so a new test file lands in the right tier by itself.
 * @type {import('jest').Config}
 */
const fs = require('fs');
const path = require('path');

const TESTS = path.join(__dirname, '__tests__');
/** A call to any of these means the file needs a tool from outside npm. */
const NEEDS_TOOLS = /\b(startEmulator|sharedEmulator|describeWithTools|requireTool|terraform(Init|Plan|Apply|Validate|ShowJson|Inventory))\s*\(/;

function integrationFiles() {
  return fs
    .readdirSync(TESTS)
    .filter((f) => f.endsWith('.test.ts'))
    .filter((f) => NEEDS_TOOLS.test(fs.readFileSync(path.join(TESTS, f), 'utf8')))
    .map((f) => path.join(TESTS, f));
}

const integration = integrationFiles();
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  // SWC, type-stripping only: the same JavaScript the synth runs (types: `tsc --noEmit` in `npm test`).
  transform: { '^.+\\.ts$': '<rootDir>/scripts/swc-jest.js' },
};

module.exports = {
  testTimeout: 120000,
  // One more worker than the CI machine's 2 cores: the two deploy-scale files spend much of their time in the AWS
  // provider's fixed waiters (README, Testing), and a third worker runs the light files meanwhile. On a clean clone:
  // jest 1,059 s with 3 workers, 1,181 s with 2, every test green both ways.
  maxWorkers: 3,
  // Longest files first (committed weights, then Jest's cache), so the workers finish together on a clean CI clone.
  testSequencer: '<rootDir>/__tests__/support/sequencer.js',
  reporters: process.env.ROOTLOCK_JUNIT ? ['default', ['jest-junit', { outputFile: process.env.ROOTLOCK_JUNIT, suiteNameTemplate: '{displayName} {filepath}' }]] : ['default'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.test.ts'], testPathIgnorePatterns: integration.length ? integration.map((f) => `${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : [] },
    { ...common, displayName: 'integration', testMatch: integration.length ? integration : ['<rootDir>/__no_integration_tests__'] },
  ],
};
