/**
 * The plan review on REAL plans: a small configuration of the rootlock resource types is deployed to the emulator with
 * Terraform, then each scenario (detach an OU, drop MFA, add a principal, remove a subscription, a harmless tag change,
 * ...) is planned against that state with `terraform plan -out` + `terraform show -json`, and the review must flag
 * each dangerous change with the right rule and severity, and not the harmless ones.
 *
 * One emulator, one `terraform init`, one apply; the scenario plans share the provider and a copy of the state and run
 * two at a time. REGENERATE_PLAN_FIXTURES=1 also rewrites __tests__/fixtures/plans/<scenario>.json.
 */
import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, Emulator } from './support/emulator';
import { describeWithTools } from './support/tools';
import { expectExit, scratchDir, terraformApply, terraformEnv, terraformInit, terraformPlan, terraformShowJson } from './support/terraform';
import { planAll } from '../scripts/plan-all';
import { baseline, configFor, Scenario, scenarios } from './fixtures/plans/scenarios';
import { exitCodeFor, review } from '../review/analyze';
import { renderMarkdown } from '../review/markdown';
import { asPlan } from '../review/plan';
import { run } from '../review/cli';

const FIXTURES = path.join(__dirname, 'fixtures', 'plans');
const describeTf = describeWithTools(['terraform', 'moto_server'], 'the plan review tests on real Terraform plans');

async function inPairs<T>(items: T[], fn: (t: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all([0, 1].map(async () => {
    for (let t = queue.shift(); t !== undefined; t = queue.shift()) await fn(t);
  }));
}

describeTf('plan review on real Terraform plans against the emulator', () => {
  let emu: Emulator | undefined;
  let work: string;
  const plans = new Map<string, { file: string; json: unknown }>();
  const timings: string[] = [];

  beforeAll(async () => {
    const t0 = Date.now();
    emu = await startEmulator();
    if (!emu) throw new Error('emulator did not start');
    work = scratchDir('review');
    const base = path.join(work, 'baseline');
    fs.mkdirSync(base);
    fs.writeFileSync(path.join(base, 'main.tf.json'), JSON.stringify(baseline(), null, 2));
    const init = expectExit(await terraformInit(base, emu.env));
    const apply = expectExit(await terraformApply(base, emu.env));
    timings.push(`emulator+init ${init.ms} ms`, `apply ${apply.ms} ms`);

    await inPairs(scenarios, async (s: Scenario) => {
      const dir = path.join(work, s.name);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(configFor(s), null, 2));
      fs.copyFileSync(path.join(base, 'terraform.tfstate'), path.join(dir, 'terraform.tfstate'));
      fs.copyFileSync(path.join(base, '.terraform.lock.hcl'), path.join(dir, '.terraform.lock.hcl'));
      fs.symlinkSync(path.join(base, '.terraform'), path.join(dir, '.terraform'));
      const plan = expectExit(await terraformPlan(dir, emu!.env, { out: 'plan.tfplan' }));
      const show = await terraformShowJson(dir, 'plan.tfplan', emu!.env);
      const file = path.join(dir, `${s.name}.json`);
      fs.writeFileSync(file, show.stdout);
      plans.set(s.name, { file, json: show.json });
      timings.push(`plan ${s.name} ${plan.ms} ms`);
      if (process.env.REGENERATE_PLAN_FIXTURES === '1') fs.writeFileSync(path.join(FIXTURES, `${s.name}.json`), show.stdout);
    });
    timings.push(`total ${Date.now() - t0} ms`);
    process.stderr.write(`review-emulator timings: ${timings.join(', ')}\n`);
  }, 600_000);

  afterAll(async () => {
    await emu?.stop();
    if (work && process.env.KEEP_REVIEW_TMP !== '1') fs.rmSync(work, { recursive: true, force: true });
  });

  test.each(scenarios.map((s) => [s.name, s] as const))('%s', (name, s) => {
    const got = plans.get(name);
    expect(got).toBeDefined();
    const r = review([{ stack: name, file: got!.file, plan: asPlan(got!.json, got!.file) }]);
    const md = renderMarkdown(r);
    const flagged = r.findings.filter((f) => f.severity !== 'low').map((f) => ({ rule: f.rule.id, severity: f.severity }));
    // Exactly the expected findings above low: each dangerous change flagged, nothing harmless flagged.
    expect(flagged.sort((a, b) => a.rule.localeCompare(b.rule))).toEqual([...s.expect].sort((a, b) => a.rule.localeCompare(b.rule)));
    expect(exitCodeFor(r)).toBe(s.exitCode);
    for (const e of s.expect) expect(md).toContain(e.rule);
    if (s.name === 'no-op') expect(md.trim().split('\n')).toHaveLength(1);
    // The committed fixture, when present, says the same thing as the fresh plan.
    const fixture = path.join(FIXTURES, `${name}.json`);
    if (fs.existsSync(fixture)) {
      const old = review([{ stack: name, file: fixture, plan: asPlan(JSON.parse(fs.readFileSync(fixture, 'utf8')), fixture) }]);
      expect(old.findings.map((f) => `${f.rule.id}:${f.change.address}`)).toEqual(r.findings.map((f) => `${f.rule.id}:${f.change.address}`));
    }
  });

  test('the CLI over every real plan at once: exit 2, high-severity first, stacks named after the files', () => {
    const files = scenarios.map((s) => plans.get(s.name)!.file);
    const r = run(files, {});
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    const md = r.stdout;
    const firstHigh = md.indexOf('🔴 HIGH ·');
    const firstMedium = md.indexOf('🟠 MEDIUM ·');
    expect(firstHigh).toBeGreaterThan(0);
    expect(firstMedium).toBeGreaterThan(firstHigh);
    expect(md).toContain('| `detach-ou` | 0 | 0 | 0 | 1 | 🔴 1 high |');
    expect(md).toContain('| `no-op` | – | – | – | – | no changes |');
    // Policy diffs are readable JSON by statement, not escaped strings.
    expect(md).toContain('# Statement "DenyWithoutMfa": removed');
    expect(md).not.toContain('\\"Statement\\"');
  });

  test('scripts/plan-all.ts plans every synthesized stack dir, and the review reads its output', async () => {
    // Two "synthesized stacks" in the cdktf.out layout, each with the deployed state: one unchanged, one detaching an OU.
    const stacksDir = path.join(work, 'cdktf.out', 'stacks');
    const stacks: Record<string, unknown> = { management: baseline(), security: configFor(scenarios.find((s) => s.name === 'detach-ou')!) };
    for (const [name, cfg] of Object.entries(stacks)) {
      fs.mkdirSync(path.join(stacksDir, name), { recursive: true });
      fs.writeFileSync(path.join(stacksDir, name, 'cdk.tf.json'), JSON.stringify(cfg, null, 2));
      fs.copyFileSync(path.join(work, 'baseline', 'terraform.tfstate'), path.join(stacksDir, name, 'terraform.tfstate'));
    }
    const t0 = Date.now();
    const lines: string[] = [];
    const results = await planAll({ stacksDir, outDir: path.join(work, 'plans'), env: terraformEnv(emu!.env), log: (l) => lines.push(l) });
    process.stderr.write(`plan-all: ${Date.now() - t0} ms\n${lines.join('\n')}\n`);
    expect(results.map((r) => [r.stack, r.ok])).toEqual([
      ['management', true],
      ['security', true],
    ]);
    const r = run(results.map((x) => x.json!), {});
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('| `management` | – | – | – | – | no changes |');
    expect(r.stdout).toContain('| `security` | 0 | 0 | 0 | 1 | 🔴 1 high |');
    expect(r.stdout).toContain('RL-SCP-DETACHED');
  }, 300_000);

  test('scripts/plan-all.ts reports a stack that fails to plan, and still plans the others', async () => {
    const stacksDir = path.join(work, 'broken', 'stacks');
    fs.mkdirSync(path.join(stacksDir, 'bad'), { recursive: true });
    fs.writeFileSync(path.join(stacksDir, 'bad', 'cdk.tf.json'), JSON.stringify({ resource: { aws_nonexistent_thing: { x: {} } } }));
    fs.mkdirSync(path.join(stacksDir, 'empty'), { recursive: true });
    fs.writeFileSync(path.join(stacksDir, 'empty', 'cdk.tf.json'), JSON.stringify({ output: { hello: { value: 'world' } } }));
    const results = await planAll({ stacksDir, outDir: path.join(work, 'broken-plans'), env: terraformEnv(emu!.env), log: () => undefined });
    expect(results.map((r) => [r.stack, r.ok, r.step])).toEqual([
      ['bad', false, 'plan'],
      ['empty', true, undefined],
    ]);
    expect(fs.readFileSync(results[0].log, 'utf8')).toMatch(/aws_nonexistent_thing/);
    expect(fs.existsSync(path.join(work, 'broken-plans', 'bad.json'))).toBe(false);
    const r = run([results[1].json!], {});
    expect([r.code, r.stdout.trim()]).toEqual([0, '**Rootlock plan review:** no changes — 1 stack (empty) matches the deployed infrastructure.']);
  }, 120_000);
});
