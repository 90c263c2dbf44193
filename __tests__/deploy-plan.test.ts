/**
 * The deploy plan and the fan-out workflows: every stack appears once, after everything cdktf's own manifest says it
 * depends on; the workflows' wave jobs run in the plan's order and their matrices (built by scripts/deploy-plan.ts,
 * exactly as the workflow calls it) cover every stack, every baseline of a 1,000-account organization included,
 * within GitHub's matrix limit.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { parse } from 'yaml';
import { exampleModel } from './support/example';
import { writeOutput } from '../output';
import { stackGraph } from '../stacks/graph';
import { DeployPlan, deployPlan, MAX_BATCHES_PER_WAVE } from '../stacks/deploy-plan';
import { Matrix, planMatrix, readDeployPlan, stacksWithoutS3Lockfile, waveMatrices } from '../scripts/deploy-plan';
import { validateConfig } from '../config/load';
import { resolveModel } from '../config/model';
import { largeOrgConfig } from '../examples/large-org';

const ROOT = path.join(__dirname, '..');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rootlock-plan-'));
const workflow = (name: string) => parse(fs.readFileSync(path.join(ROOT, '.github', 'workflows', name), 'utf8'));

/** Every stack exactly once, each in a later wave than each of its dependencies; batches are the wave, in order. */
function expectValidPlan(plan: DeployPlan, dependencies: Record<string, string[]>): void {
  const waveOf = new Map<string, number>();
  for (const w of plan.waves) {
    expect(w.batches.flat()).toEqual(w.stacks);
    expect(w.batches.length).toBeLessThanOrEqual(MAX_BATCHES_PER_WAVE);
    for (const s of w.stacks) {
      expect(waveOf.has(s)).toBe(false);
      waveOf.set(s, w.wave);
    }
  }
  expect([...waveOf.keys()].sort()).toEqual(Object.keys(dependencies).sort());
  for (const [stack, deps] of Object.entries(dependencies)) {
    for (const d of deps) expect({ stack, dependency: d, before: waveOf.get(d)! < waveOf.get(stack)! }).toEqual({ stack, dependency: d, before: true });
  }
}

const matrixStacks = (m: string): string[][] => (JSON.parse(m) as Matrix).include.map((e) => e.stacks.split(' '));

describe('the deploy plan written by the synth', () => {
  const out = path.join(tmp(), 'out');
  writeOutput(exampleModel(), { outdir: out });
  const plan = readDeployPlan(out);
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  const cdktfDependencies: Record<string, string[]> = Object.fromEntries(Object.entries<any>(manifest.stacks).map(([name, s]) => [name, s.dependencies]));

  it('lists every synthesized stack once, after every dependency in the manifest cdktf deploys from', () => {
    expectValidPlan(plan, cdktfDependencies);
    expect(plan.waves.map((w) => w.stacks.length)).toEqual([1, 1, 7, 1]);
    for (const s of plan.stacks) expect(fs.existsSync(path.join(out, s.directory, 'cdk.tf.json'))).toBe(true);
  });

  it('is written for a selection too, covering exactly the selected stacks', () => {
    const sel = path.join(tmp(), 'sel');
    writeOutput(exampleModel(), { outdir: sel, stacks: ['baseline-web-prod'] });
    const selected = readDeployPlan(sel);
    expect(selected.waves.map((w) => w.stacks)).toEqual([['management'], ['security'], ['baseline-web-prod']]);
  });

  it('refuses local state for CI fan-out, accepts S3 with a lock file', () => {
    expect(stacksWithoutS3Lockfile(out, plan)).toEqual(plan.stacks.map((s) => s.name));
    const s3 = path.join(tmp(), 's3');
    writeOutput(exampleModel((c) => (c.state = { backend: 's3', bucket: 'org-tf-state', region: 'eu-west-1', keyPrefix: 'rootlock' })), { outdir: s3 });
    expect(stacksWithoutS3Lockfile(s3, readDeployPlan(s3))).toEqual([]);
  });

  it('scripts/deploy-plan.ts prints the GitHub outputs the workflow reads', () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'), '--transpile-only', path.join(ROOT, 'scripts', 'deploy-plan.ts'), '--out-dir', out, '--waves', '4'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const lines = Object.fromEntries(run.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(lines).toEqual(waveMatrices(plan, 4));
    expect(matrixStacks(lines.wave3).flat()).toEqual(plan.waves[2].stacks);
    const refused = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'), '--transpile-only', path.join(ROOT, 'scripts', 'deploy-plan.ts'), '--out-dir', out, '--waves', '4', '--require-s3-lockfile'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^deploy-plan: 10 stack\(s\) do not keep state in S3 with a lock file/);
  });
});

describe('a 1,000-account organization', () => {
  const model = resolveModel(validateConfig(largeOrgConfig(1000, 100)));
  const graph = stackGraph(model);
  const plan = deployPlan(graph);
  const baselines = model.allAccounts.map((a) => a.stackName);

  it('plans 1,004 stacks in four waves, deterministically, within the matrix limit', () => {
    expectValidPlan(plan, Object.fromEntries(graph.map((n) => [n.name, n.dependsOn])));
    expect(plan.waves.map((w) => w.stacks.length)).toEqual([1, 1, 1001, 1]);
    expect(plan.waves[2].batches).toHaveLength(251);
    expect(JSON.stringify(deployPlan(stackGraph(resolveModel(validateConfig(largeOrgConfig(1000, 100))))))).toBe(JSON.stringify(plan));
  });

  it('the deploy matrices cover every baseline exactly once, in the wave after security', () => {
    const outputs = waveMatrices(plan, 4);
    const perWave = [1, 2, 3, 4].map((i) => matrixStacks(outputs[`wave${i}`]).flat());
    expect(perWave).toEqual(plan.waves.map((w) => w.stacks));
    expect([...perWave[2]].sort()).toEqual([...baselines].sort());
    expect(JSON.parse(outputs.wave3).include.length).toBeLessThanOrEqual(256);
    expect(() => waveMatrices(plan, 3)).toThrow('the deploy plan has 4 waves but the workflow deploys 3');
  });

  it('the plan matrix covers every stack exactly once', () => {
    const all = matrixStacks(planMatrix(plan).stacks).flat();
    expect(all).toHaveLength(1004);
    expect([...all].sort()).toEqual(graph.map((n) => n.name).sort());
  });
});

describe('the GitHub Actions workflows', () => {
  const deploy = workflow('deploy.yml');
  const wave = workflow('deploy-wave.yml');
  const waveJobs = Object.keys(deploy.jobs).filter((j) => /^wave\d+$/.test(j));

  it('deploy.yml runs one job per wave, each after the previous, fed the wave matrix the synth job computed', () => {
    expect(waveJobs).toEqual(waveJobs.map((_, i) => `wave${i + 1}`));
    const planStep = deploy.jobs.synth.steps.find((s: any) => s.id === 'plan');
    expect(planStep.run).toContain(`scripts/deploy-plan.ts --waves ${waveJobs.length} --require-s3-lockfile >> "$GITHUB_OUTPUT"`);
    expect(deploy.jobs.synth.steps.map((s: any) => s.run)).toContain('npm run synth');
    waveJobs.forEach((name, i) => {
      const job = deploy.jobs[name];
      expect(job.uses).toBe('./.github/workflows/deploy-wave.yml');
      expect(job.needs).toEqual(i === 0 ? 'synth' : ['synth', `wave${i}`]);
      expect(job.with.matrix).toBe(`\${{ needs.synth.outputs.wave${i + 1} }}`);
      expect(job.with.wave).toBe(i + 1);
      expect(deploy.jobs.synth.outputs[`wave${i + 1}`]).toBe(`\${{ steps.plan.outputs.wave${i + 1} }}`);
    });
    // Enough wave jobs for both the example and a large organization.
    expect(waveJobs.length).toBeGreaterThanOrEqual(deployPlan(stackGraph(exampleModel())).waves.length);
  });

  it('deploy-wave.yml: a bounded matrix over the batch, applying each of its stacks from the synthesized artifact', () => {
    const job = wave.jobs.deploy;
    expect(job.strategy.matrix).toBe('${{ fromJSON(inputs.matrix) }}');
    expect(job.strategy['max-parallel']).toBe('${{ inputs.max-parallel }}');
    expect(job.strategy['fail-fast']).toBe(false);
    const run = job.steps.find((s: any) => s.env?.STACKS).run as string;
    expect(job.steps.find((s: any) => s.env?.STACKS).env.STACKS).toBe('${{ matrix.stacks }}');
    expect(run).toMatch(/for stack in \$STACKS; do/);
    expect(run).toContain('terraform -chdir="cdktf.out/stacks/$stack" apply -input=false -no-color -auto-approve -lock-timeout=10m');
    const download = job.steps.find((s: any) => String(s.uses).startsWith('actions/download-artifact'));
    const upload = deploy.jobs.synth.steps.find((s: any) => String(s.uses).startsWith('actions/upload-artifact'));
    expect(download.with.name).toBe(upload.with.name);
    expect(upload.with.path).toBe('cdktf.out');
  });

  it('plan-fanout.yml: one matrix over every stack, planned with plan-all, reviewed together', () => {
    const fan = workflow('plan-fanout.yml');
    expect(fan.jobs.synth.steps.find((s: any) => s.id === 'plan').run).toContain('scripts/deploy-plan.ts --all >> "$GITHUB_OUTPUT"');
    expect(fan.jobs.plan.strategy.matrix).toBe('${{ fromJSON(needs.synth.outputs.stacks) }}');
    expect(fan.jobs.plan.strategy['max-parallel']).toEqual(expect.any(String));
    const run = fan.jobs.plan.steps.find((s: any) => s.env?.STACKS).run as string;
    expect(run).toContain('args+=(--stack "$stack")');
    expect(run).toContain('scripts/plan-all.ts --out plans --parallel 2 "${args[@]}"');
    expect(fan.jobs.review.needs).toEqual(['synth', 'plan']);
  });

});
