/**
 * Plans every synthesized stack for the review: for each `cdktf.out/stacks/NAME/` (a directory with cdk.tf.json),
 * `terraform init`, `terraform plan -out=PLANS/NAME.tfplan` and `terraform show -json` into PLANS/NAME.json, with
 * Terraform's output in PLANS/NAME.log. Then: `npm run review -- PLANS/*.json`.
 *
 * Usage: ts-node --transpile-only scripts/plan-all.ts [--out DIR] [--stacks-dir DIR] [--stack NAME]... [--parallel N]
 *                                                     [--init-arg ARG]... [--plan-arg ARG]...
 *   --out DIR         where plans go (default: plans)
 *   --stacks-dir DIR  synthesized stacks (default: cdktf.out/stacks)
 *   --stack NAME      only this stack (repeatable)
 *   --parallel N      plans at once (default 2; inits always run one at a time: the plugin cache is shared)
 *   --init-arg ARG    extra `terraform init` argument, e.g. --init-arg=-backend-config=bucket=my-state (repeatable)
 *   --plan-arg ARG    extra `terraform plan` argument, e.g. --plan-arg=-refresh=false (repeatable)
 *
 * TF_CLI_CONFIG_FILE is used when set; otherwise one is written (scripts/terraform-cli-config.ts: a local provider
 * mirror when the machine has one, a shared plugin cache). Exit code 1 when any stack failed to plan.
 */
import { helpOutcome, parseCli, UsageError, usageOutcome, wholeNumber } from '../cli/args';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { writeTerraformCliConfig } from './terraform-cli-config';

export interface PlanAllOptions {
  stacksDir: string;
  outDir: string;
  stacks?: string[];
  parallel?: number;
  initArgs?: string[];
  planArgs?: string[];
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface StackPlanResult {
  stack: string;
  ok: boolean;
  /** PLANS/NAME.json when ok. */
  json?: string;
  log: string;
  step?: 'init' | 'plan' | 'show';
  ms: number;
}

function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv, logFile: string, stdoutFile?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.appendFileSync(logFile, `\n$ terraform ${args.join(' ')}\n`);
    const child = spawn('terraform', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = stdoutFile ? fs.createWriteStream(stdoutFile) : undefined;
    child.stdout.on('data', (d: Buffer) => (out ? out.write(d) : fs.appendFileSync(logFile, d)));
    child.stderr.on('data', (d: Buffer) => fs.appendFileSync(logFile, d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (out) out.end(() => resolve(code ?? 1));
      else resolve(code ?? 1);
    });
  });
}

export function listStacks(stacksDir: string): string[] {
  if (!fs.existsSync(stacksDir)) throw new Error(`${stacksDir} does not exist: run \`npm run synth\` first`);
  return fs
    .readdirSync(stacksDir)
    .filter((d) => fs.existsSync(path.join(stacksDir, d, 'cdk.tf.json')))
    .sort();
}

export async function planAll(opts: PlanAllOptions): Promise<StackPlanResult[]> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const all = listStacks(opts.stacksDir);
  const unknown = (opts.stacks ?? []).filter((s) => !all.includes(s));
  if (unknown.length) throw new Error(`no synthesized stack ${unknown.join(', ')} in ${opts.stacksDir} (have: ${all.join(', ') || 'none'})`);
  const stacks = opts.stacks?.length ? all.filter((s) => opts.stacks!.includes(s)) : all;
  if (!stacks.length) throw new Error(`no stacks in ${opts.stacksDir}: run \`npm run synth\` first`);
  const outDir = path.resolve(opts.outDir);
  fs.mkdirSync(outDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
  if (!env.TF_CLI_CONFIG_FILE) {
    const tmp = path.resolve('.rootlock-tmp');
    const cfg = writeTerraformCliConfig({ file: path.join(tmp, 'plan-all.terraform.rc'), pluginCacheDir: path.join(tmp, 'terraform-plugin-cache'), env });
    env.TF_CLI_CONFIG_FILE = cfg.file;
    log(cfg.mirror ? `providers from the local mirror ${cfg.mirror}` : 'providers from the registry');
  }

  const results = new Map<string, StackPlanResult>();
  const started = new Map<string, number>();
  const fail = (stack: string, step: StackPlanResult['step']) => {
    const logFile = path.join(outDir, `${stack}.log`);
    results.set(stack, { stack, ok: false, log: logFile, step, ms: Date.now() - started.get(stack)! });
    log(`✗ ${stack}: terraform ${step} failed, see ${path.relative(process.cwd(), logFile)}`);
  };

  // Inits one at a time (the plugin cache is not safe for concurrent installs).
  const ready: string[] = [];
  for (const stack of stacks) {
    started.set(stack, Date.now());
    const logFile = path.join(outDir, `${stack}.log`);
    fs.writeFileSync(logFile, '');
    for (const f of [`${stack}.json`, `${stack}.tfplan`]) fs.rmSync(path.join(outDir, f), { force: true });
    const code = await terraform(['init', '-input=false', '-no-color', ...(opts.initArgs ?? [])], path.join(opts.stacksDir, stack), env, logFile);
    if (code === 0) ready.push(stack);
    else fail(stack, 'init');
  }

  const queue = [...ready];
  const worker = async () => {
    for (let stack = queue.shift(); stack !== undefined; stack = queue.shift()) {
      const dir = path.join(opts.stacksDir, stack);
      const logFile = path.join(outDir, `${stack}.log`);
      const planFile = path.join(outDir, `${stack}.tfplan`);
      const jsonFile = path.join(outDir, `${stack}.json`);
      if ((await terraform(['plan', '-input=false', '-no-color', '-lock-timeout=120s', `-out=${planFile}`, ...(opts.planArgs ?? [])], dir, env, logFile)) !== 0) {
        fail(stack, 'plan');
        continue;
      }
      if ((await terraform(['show', '-json', '-no-color', planFile], dir, env, logFile, jsonFile)) !== 0) {
        fs.rmSync(jsonFile, { force: true });
        fail(stack, 'show');
        continue;
      }
      const ms = Date.now() - started.get(stack)!;
      results.set(stack, { stack, ok: true, json: jsonFile, log: logFile, ms });
      log(`✓ ${stack}: ${path.relative(process.cwd(), jsonFile)} (${(ms / 1000).toFixed(1)} s)`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.parallel ?? 2) }, worker));
  return stacks.map((s) => results.get(s)!);
}

const USAGE = `${fs.readFileSync(__filename, 'utf8').split('*/')[0].replace(/^\/\*\*?\n?/, '').replace(/^ \* ?/gm, '')}`;

const OPTIONS = {
  out: { type: 'string' },
  'stacks-dir': { type: 'string' },
  stack: { type: 'string', multiple: true },
  parallel: { type: 'string' },
  'init-arg': { type: 'string', multiple: true },
  'plan-arg': { type: 'string', multiple: true },
} as const;

/** The options, or undefined after --help. */
function optionsFrom(argv: string[]): PlanAllOptions | undefined {
  const args = parseCli(argv, OPTIONS);
  if (args.help) return undefined;
  const v = args.values;
  return {
    stacksDir: v['stacks-dir'] ?? 'cdktf.out/stacks',
    outDir: v.out ?? 'plans',
    stacks: v.stack ?? [],
    parallel: wholeNumber('parallel', v.parallel, 1),
    initArgs: v['init-arg'] ?? [],
    planArgs: v['plan-arg'] ?? [],
  };
}

if (require.main === module) {
  (async () => {
    let opts: PlanAllOptions | undefined;
    try {
      opts = optionsFrom(process.argv.slice(2));
    } catch (e) {
      const out = usageOutcome('plan-all', e as UsageError, USAGE);
      process.stderr.write(out.stderr);
      process.exitCode = out.code;
      return;
    }
    if (!opts) {
      process.stdout.write(helpOutcome(USAGE).stdout);
      return;
    }
    try {
      const results = await planAll(opts);
      const failed = results.filter((r) => !r.ok);
      process.stderr.write(
        failed.length
          ? `${failed.length} of ${results.length} stacks failed to plan: ${failed.map((f) => `${f.stack} (${f.step})`).join(', ')}\n`
          : `${results.length} stacks planned. Next: npm run review -- ${path.relative(process.cwd(), path.dirname(results[0].json!)) || '.'}/*.json\n`,
      );
      process.exitCode = failed.length ? 1 : 0;
    } catch (e) {
      process.stderr.write(`plan-all: ${(e as Error).message}\n`);
      process.exitCode = 1;
    }
  })();
}
