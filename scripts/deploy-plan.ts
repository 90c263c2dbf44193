/**
 * Turns `cdktf.out/deploy-plan.json` into GitHub Actions matrices, one per wave (deploy) or one over every stack
 * (plan), written as `KEY=VALUE` lines for $GITHUB_OUTPUT. Used by .github/workflows/deploy.yml and plan-fanout.yml.
 *
 * Usage: ts-node --transpile-only scripts/deploy-plan.ts [--out-dir cdktf.out] (--waves N | --all) [--require-s3-lockfile]
 *   --waves N              deploy: outputs wave1..waveN (an empty string for a wave the plan does not have) and `waves`;
 *                          fails when the plan has more waves than the workflow has wave jobs
 *   --all                  plan: output `stacks`, every stack in batches, waves ignored (plans do not apply anything)
 *   --require-s3-lockfile  fail unless every stack keeps its state in S3 with a lock file (parallel CI jobs need both)
 */
import * as fs from 'fs';
import * as path from 'path';
import { batches, DEPLOY_PLAN_FILE, DeployPlan } from '../stacks/deploy-plan';

export interface MatrixEntry {
  /** Job label: wave and batch number, or the stack when the batch holds one. */
  batch: string;
  /** Space-separated stack names, deployed (or planned) one after another by the job. */
  stacks: string;
}

export interface Matrix {
  include: MatrixEntry[];
}

const entry = (label: string, stacks: string[]): MatrixEntry => ({ batch: stacks.length === 1 ? stacks[0] : label, stacks: stacks.join(' ') });
const pad = (n: number) => String(n).padStart(3, '0');

/** Matrix per wave, `wave1`..`wave<waveJobs>`; a wave the plan lacks is '' (the workflow skips that job). */
export function waveMatrices(plan: DeployPlan, waveJobs: number): Record<string, string> {
  if (plan.waves.length > waveJobs) {
    throw new Error(`the deploy plan has ${plan.waves.length} waves but the workflow deploys ${waveJobs}: add wave jobs to the workflow`);
  }
  const out: Record<string, string> = { waves: String(plan.waves.length) };
  for (let i = 1; i <= waveJobs; i++) {
    const wave = plan.waves[i - 1];
    out[`wave${i}`] = wave ? JSON.stringify({ include: wave.batches.map((b, j) => entry(`wave${i}-${pad(j + 1)}`, b)) } satisfies Matrix) : '';
  }
  return out;
}

/** One matrix over every stack, in deploy order, batched to fit GitHub's matrix limit. */
export function planMatrix(plan: DeployPlan): Record<string, string> {
  const all = plan.waves.flatMap((w) => w.stacks);
  return { stacks: JSON.stringify({ include: batches(all).map((b, j) => entry(`plan-${pad(j + 1)}`, b)) } satisfies Matrix) };
}

/** Stacks whose synthesized Terraform does not keep state in S3 with `use_lockfile`. */
export function stacksWithoutS3Lockfile(outDir: string, plan: DeployPlan): string[] {
  return plan.stacks
    .filter((s) => {
      const tf = JSON.parse(fs.readFileSync(path.join(outDir, s.directory, 'cdk.tf.json'), 'utf8'));
      return tf.terraform?.backend?.s3?.use_lockfile !== true;
    })
    .map((s) => s.name);
}

export function readDeployPlan(outDir: string): DeployPlan {
  const file = path.join(outDir, DEPLOY_PLAN_FILE);
  if (!fs.existsSync(file)) throw new Error(`${file} does not exist: run \`npm run synth\` first`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function main(argv: string[]): void {
  let outDir = 'cdktf.out';
  let waves: number | undefined;
  let all = false;
  let requireS3 = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out-dir') outDir = argv[++i];
    else if (argv[i] === '--waves') waves = Number(argv[++i]);
    else if (argv[i] === '--all') all = true;
    else if (argv[i] === '--require-s3-lockfile') requireS3 = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (all === (waves !== undefined)) throw new Error('give exactly one of --waves N and --all');
  if (waves !== undefined && !(waves >= 1)) throw new Error('--waves needs a number >= 1');
  const plan = readDeployPlan(outDir);
  if (requireS3) {
    const local = stacksWithoutS3Lockfile(outDir, plan);
    if (local.length) {
      throw new Error(`${local.length} stack(s) do not keep state in S3 with a lock file (${local.slice(0, 5).join(', ')}${local.length > 5 ? ', ...' : ''}): set state: { backend: s3, ... } in the configuration; CI runners lose local state`);
    }
  }
  const outputs = all ? planMatrix(plan) : waveMatrices(plan, waves!);
  for (const [k, v] of Object.entries(outputs)) process.stdout.write(`${k}=${v}\n`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`deploy-plan: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
