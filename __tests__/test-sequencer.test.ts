/** The test order of `npm test`: heaviest files first, so the workers finish together (see support/sequencer.js). */
import * as fs from 'fs';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { orderTests, committedWeights } = require('./support/sequencer');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const jestConfig = require('../jest.config.js');

const TESTS = __dirname;
const all = fs.readdirSync(TESTS).filter((f) => f.endsWith('.test.ts')).map((f) => ({ path: path.join(TESTS, f) }));
const names = (tests: Array<{ path: string }>) => tests.map((t) => path.basename(t.path));

test('jest uses the sequencer', () => {
  expect(jestConfig.testSequencer).toBe('<rootDir>/__tests__/support/sequencer.js');
  expect(fs.existsSync(path.join(TESTS, 'support', 'sequencer.js'))).toBe(true);
});

test('every committed weight names an existing test file (no stale entries), and the deploy-scale files are listed', () => {
  const listed = [...committedWeights().keys()];
  expect(listed.filter((f) => !fs.existsSync(path.join(TESTS, f)))).toEqual([]);
  const integration: string[] = jestConfig.projects.find((p: any) => p.displayName === 'integration').testMatch.map((f: string) => path.basename(f));
  for (const heavy of ['lifecycle.test.ts', 'deploy.test.ts', 'bootstrap-greenfield.test.ts', 'trust-emulator.test.ts', 'upgrade.test.ts']) {
    expect(integration).toContain(heavy);
    expect(listed).toContain(heavy);
  }
});

test('without a cache (clean CI clone) the two longest files start first, the unlisted ones last', () => {
  const order = names(orderTests(all));
  expect(order.slice(0, 2).sort()).toEqual(['deploy.test.ts', 'lifecycle.test.ts']);
  const weights = committedWeights();
  const lastListed = Math.max(...[...weights.keys()].map((f) => order.indexOf(f)));
  expect(order.slice(0, lastListed + 1).every((f) => weights.has(f))).toBe(true);
  expect(order.length).toBe(all.length);
});

test('a cached duration longer than the committed weight moves a file up; a failed file goes first', () => {
  const cached = (t: { path: string }) => (t.path.endsWith('arn.test.ts') ? 5_000_000 : undefined);
  expect(names(orderTests(all, { cachedMs: cached }))[0]).toBe('arn.test.ts');
  const failed = (t: { path: string }) => t.path.endsWith('layering.test.ts');
  expect(names(orderTests(all, { hasFailed: failed }))[0]).toBe('layering.test.ts');
});

test('the order is deterministic (ties broken by path)', () => {
  expect(names(orderTests([...all].reverse()))).toEqual(names(orderTests(all)));
});
