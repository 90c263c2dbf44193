/** The review CLI: inputs, stack names, exit codes (0 / 2 / 1), and messages without stack traces. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../review/cli';
import { stackNameFromFile } from '../review/plan';

const FIXTURES = path.join(__dirname, 'fixtures', 'plans');
const fx = (name: string) => path.join(FIXTURES, `${name}.json`);
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-review-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const f = path.join(tmp, name);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
}

describe('exit codes', () => {
  test('2 when a high-severity change is present', () => {
    const r = run([fx('detach-ou'), fx('harmless-tags')], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
  });

  test('0 for medium and low only, and for a no-op', () => {
    expect(run([fx('mfa-age-and-session')], {}).code).toBe(0);
    expect(run([fx('harmless-tags')], {}).code).toBe(0);
    const noop = run([fx('no-op')], {});
    expect(noop.code).toBe(0);
    expect(noop.stdout.trim().split('\n')).toHaveLength(1);
  });

  test.each([
    ['a missing file', () => [path.join(tmp, 'nope.json')], /nope\.json: cannot read \(no such file\)/],
    ['an empty file', () => [write('empty.json', '')], /empty file/],
    ['invalid JSON', () => [write('bad.json', '{"format_version": ')], /not valid JSON/],
    ['plan text instead of JSON', () => [write('text.json', 'Terraform used the selected providers...\nPlan: 1 to add')], /looks like `terraform plan` text/],
    ['a state instead of a plan', () => [write('state.json', JSON.stringify({ format_version: '1.0', values: {} }))], /this is a state, not a plan/],
    ['an unknown JSON object', () => [write('other.json', JSON.stringify({ hello: 1 }))], /not a Terraform plan \(no "format_version"/],
    ['a JSON list', () => [write('list.json', '[]')], /not a Terraform plan/],
    ['a future format', () => [write('future.json', JSON.stringify({ format_version: '2.0', resource_changes: [] }))], /format 2\.0 is not supported/],
    ['a malformed resource change', () => [write('rc.json', JSON.stringify({ format_version: '1.2', resource_changes: [{ address: 'a' }] }))], /lacks address, type or change\.actions/],
    ['no plan at all', () => [], /no plan given/],
    ['an unknown option', () => ['--frobnicate', fx('no-op')], /unknown option --frobnicate/],
    ['two plans for one stack', () => [fx('no-op'), write('x/no-op.json', fs.readFileSync(fx('no-op'), 'utf8'))], /two plans for stack "no-op"/],
  ])('1 with a clear message for %s', (_what, args, message) => {
    const r = run(args(), {});
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('stack names', () => {
  test.each([
    ['plans/management.json', 'management'],
    ['plans/baseline-payments-prod.json', 'baseline-payments-prod'],
    ['plans/security.plan.json', 'security'],
    ['plans/security.tfplan.json', 'security'],
    ['cdktf.out/stacks/security/plan.json', 'security'],
    ['plans/management/tfplan.json', 'management'],
  ])('%s -> %s', (file, stack) => expect(stackNameFromFile(file)).toBe(stack));

  test('a generic file name takes the stack from the RootlockStack default tag in the plan', () => {
    const plan = JSON.parse(fs.readFileSync(fx('detach-ou'), 'utf8'));
    plan.configuration.provider_config.aws.expressions.default_tags = [{ tags: { constant_value: { ManagedBy: 'rootlock', RootlockStack: 'management' } } }];
    const f = write('some-dir/plan.json', JSON.stringify(plan));
    expect(JSON.parse(run(['--json', f], {}).stdout).stacks[0].stack).toBe('management');
  });

  test('STACK=FILE names a stack explicitly', () => {
    const r = run([`management=${fx('detach-ou')}`, `--json`], {});
    expect(JSON.parse(r.stdout).stacks[0].stack).toBe('management');
  });
});

describe('output', () => {
  test('--json: counts and findings, machine-readable', () => {
    const r = run(['--json', fx('silence-alerts'), fx('no-op')], {});
    const j = JSON.parse(r.stdout);
    expect(j.bySeverity).toEqual({ high: 2, medium: 1, low: 0 });
    expect(j.stacks.map((s: { stack: string; noChanges: boolean }) => [s.stack, s.noChanges])).toEqual([
      ['silence-alerts', false],
      ['no-op', true],
    ]);
    expect(j.findings[0]).toMatchObject({ severity: 'high', stack: 'silence-alerts' });
  });

  test('--out writes the same markdown it prints', () => {
    const out = path.join(tmp, 'summary.md');
    const r = run(['--out', out, fx('drop-mfa')], {});
    expect(fs.readFileSync(out, 'utf8')).toBe(r.stdout);
  });

  test('--rules lists every rule with its severity', () => {
    const r = run(['--rules'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^RL-SCP-DETACHED +high +SCP detached/m);
    expect(r.stdout).toMatch(/^RL-COSMETIC +low +Tags or descriptions only/m);
  });

  test('--config reads the break-glass role name; a broken configuration is reported and ignored', () => {
    const r = run(['--config', path.join(tmp, 'missing.yaml'), fx('add-principal')], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^review: ignoring the configuration .*missing\.yaml: /);
  });

  test('several stacks: one table row each, high first, no-op stacks say so', () => {
    const r = run([fx('harmless-tags'), fx('mfa-age-and-session'), fx('detach-ou'), fx('no-op')], {});
    const md = r.stdout;
    expect(md).toMatch(/^## Rootlock plan review$/m);
    expect(md).toContain('(1 high · 2 medium · 4 low, across 4 stacks)');
    expect(md).toContain('| `harmless-tags` | 0 | 4 | 0 | 0 | — |');
    expect(md).toContain('| `no-op` | – | – | – | – | no changes |');
    expect(md.indexOf('RL-SCP-DETACHED')).toBeLessThan(md.indexOf('RL-BG-MFA-AGE-RAISED'));
    expect(md.indexOf('RL-BG-MFA-AGE-RAISED')).toBeLessThan(md.indexOf('<details>'));
  });
});

describe('npm run review (a real process)', () => {
  const npm = (args: string[]) => spawnSync('npm', ['run', '-s', 'review', '--', ...args], { cwd: path.join(__dirname, '..'), encoding: 'utf8', env: { ...process.env, ROOTLOCK_CONFIG: '' } });

  test('exit 2 with markdown on stdout for a high-severity plan', () => {
    const high = npm([fx('drop-mfa')]);
    expect(high.status).toBe(2);
    expect(high.stdout).toContain('RL-BG-MFA-WEAKENED');
  }, 60_000);

  test('exit 1, one line, no stack trace, for bad input', () => {
    const r = npm([path.join(tmp, 'nope.json')]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('review:'))).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
