/** The example CI workflow: valid YAML, runs the real helper and CLI, posts with a script that compiles. */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

const ROOT = path.join(__dirname, '..');
const wf = parse(fs.readFileSync(path.join(ROOT, '.github', 'workflows', 'review.yml'), 'utf8'));
const steps: Array<{ name?: string; uses?: string; run?: string; with?: Record<string, string> }> = wf.jobs.review.steps;

test('runs npm ci, synth, plan-all and the review CLI in that order', () => {
  const runs = steps.map((s) => s.run ?? '').join('\n');
  const order = ['npm ci', 'npm run synth', 'scripts/plan-all.ts', 'npm run -s review --'].map((x) => runs.indexOf(x));
  expect(order.every((i) => i >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  expect(fs.existsSync(path.join(ROOT, 'scripts', 'plan-all.ts'))).toBe(true);
  expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.review).toContain('review/cli.ts');
});

test('Terraform without its wrapper (which would corrupt show -json)', () => {
  const tf = steps.find((s) => s.uses?.startsWith('hashicorp/setup-terraform'))!;
  expect(String(tf.with!.terraform_wrapper)).toBe('false');
});

test('the comment script compiles and updates its own comment by marker', () => {
  const post = steps.find((s) => s.uses?.startsWith('actions/github-script'))!;
  const script = post.with!.script;
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
  expect(() => new AsyncFunction('github', 'context', 'require', 'process', script)).not.toThrow();
  expect(script).toContain('updateComment');
  expect(script).toContain('<!-- rootlock-plan-review -->');
});

test('a high-severity review (exit 2) fails the job unless approved', () => {
  const gate = steps[steps.length - 1];
  expect(gate.run).toContain('exit 1');
  expect(wf.permissions['pull-requests']).toBe('write');
});

test('review/README.md documents every rule with its severity, in a table generated from the rules', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { RULES } = require('../review/rules') as typeof import('../review/rules');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { withRuleTable } = require('../review/rule-table') as typeof import('../review/rule-table');
  const readme = fs.readFileSync(path.join(ROOT, 'review', 'README.md'), 'utf8');
  for (const r of RULES) expect(readme).toMatch(new RegExp(`^\\| ${r.id} \\| ${r.severity}( \\(fallback\\))? \\|`, 'm'));
  expect(readme.match(/^\| RL-/gm)).toHaveLength(RULES.length);
  // Stale when a rule was added or reworded without `npm run docs`.
  expect(withRuleTable(readme, RULES)).toBe(readme);
});
