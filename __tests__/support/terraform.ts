/**
 * Runs the real Terraform CLI for tests: init/validate/plan/apply/show/destroy in a directory, with a generated CLI
 * configuration (filesystem mirror when the machine has one, a shared plugin cache so the AWS provider is linked, not
 * copied, per directory). Every call returns Terraform's own stdout/stderr, exit code and timing; nothing is hidden.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { writeTerraformCliConfig, CliConfigResult } from '../../scripts/terraform-cli-config';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Repo-local scratch space (ignored by git). */
export const TMP_ROOT = path.join(REPO_ROOT, '.rootlock-tmp');
/**
 * Mirror candidates tried after TF_PLUGIN_MIRROR and Terraform's implied mirror directories. /opt/tf-plugins is where
 * this project's development machines keep a mirror of hashicorp/aws (documented in emulator/README.md).
 */
export const TEST_MIRROR_CANDIDATES = ['/opt/tf-plugins'];

export const TIMEOUTS = {
  init: 120_000,
  validate: 120_000,
  plan: 300_000,
  apply: 600_000,
  show: 120_000,
  destroy: 600_000,
};

export interface TfResult {
  args: string[];
  cwd: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

let cliConfig: CliConfigResult | undefined;

/** Writes (once per process) the CLI configuration and returns it. */
export function terraformCliConfig(): CliConfigResult {
  if (!cliConfig) {
    cliConfig = writeTerraformCliConfig({
      file: path.join(TMP_ROOT, `terraform-${process.pid}.rc`),
      pluginCacheDir: path.join(TMP_ROOT, 'terraform-plugin-cache'),
      extraMirrorCandidates: TEST_MIRROR_CANDIDATES,
    });
  }
  return cliConfig;
}

/** The environment every Terraform run gets: the caller's, plus the CLI configuration and non-interactive switches. */
export function terraformEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...env,
    TF_CLI_CONFIG_FILE: terraformCliConfig().file,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
  };
}

/** A fresh scratch directory under .rootlock-tmp/. */
export function scratchDir(prefix: string): string {
  fs.mkdirSync(TMP_ROOT, { recursive: true });
  return fs.mkdtempSync(path.join(TMP_ROOT, `${prefix}-`));
}

/**
 * Runs COMMAND ARGS in `cwd` with the Terraform environment; kills the whole process group (provider plugins too) on
 * timeout. `label` is what the result's args start with, for messages.
 */
export function runProcess(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number, label: string[] = []): Promise<TfResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: terraformEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGTERM');
        setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }, 5000).unref();
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({
        args: [...label, ...args],
        cwd,
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: timedOut ? `${stderr}\n[rootlock test harness] ${command} ${args[0]} timed out after ${timeoutMs} ms and was killed` : stderr,
        ms: Date.now() - started,
        timedOut,
      });
    });
  });
}

/** Runs `terraform ARGS` in `cwd`. */
export function runTerraform(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeoutMs = TIMEOUTS.plan): Promise<TfResult> {
  return runProcess('terraform', args, cwd, env, timeoutMs);
}

/** Everything Terraform said, for assertion messages. */
export function describeResult(r: TfResult, maxChars = 20000): string {
  const text = `$ terraform ${r.args.join(' ')}   (in ${r.cwd}; exit ${r.code}${r.signal ? ` signal ${r.signal}` : ''}; ${r.ms} ms)\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
  return text.length > maxChars ? `${text.slice(0, 2000)}\n...[cut]...\n${text.slice(-(maxChars - 2000))}` : text;
}

/** Throws with Terraform's full output unless the command exited with one of `okCodes`. */
export function expectExit(r: TfResult, okCodes: number[] = [0]): TfResult {
  if (r.code === null || !okCodes.includes(r.code)) throw new Error(`terraform ${r.args[0]} failed:\n${describeResult(r)}`);
  return r;
}

const LOCK_DIR = () => path.join(TMP_ROOT, 'terraform-plugin-cache.lock');

/** Terraform's plugin cache is not safe for concurrent installs: serialize `init` across test workers. */
async function withCacheLock<T>(fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(TMP_ROOT, { recursive: true });
  const deadline = Date.now() + TIMEOUTS.init;
  for (;;) {
    try {
      fs.mkdirSync(LOCK_DIR());
      break;
    } catch {
      try {
        if (Date.now() - fs.statSync(LOCK_DIR()).mtimeMs > TIMEOUTS.init) fs.rmSync(LOCK_DIR(), { recursive: true, force: true });
      } catch {
        /* raced with its removal */
      }
      if (Date.now() > deadline) throw new Error(`plugin cache lock ${LOCK_DIR()} held for too long`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(LOCK_DIR(), { recursive: true, force: true });
  }
}

export function terraformInit(dir: string, env: NodeJS.ProcessEnv = {}): Promise<TfResult> {
  return withCacheLock(() => runTerraform(['init', '-input=false', '-no-color'], dir, env, TIMEOUTS.init));
}

export interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail?: string;
  address?: string;
  range?: { filename: string; start: { line: number; column: number } };
}

export interface ValidateResult extends TfResult {
  valid: boolean;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/** `terraform validate -json`, parsed: errors and warnings both (a warning is Terraform telling us something too). */
export async function terraformValidate(dir: string, env: NodeJS.ProcessEnv = {}): Promise<ValidateResult> {
  const r = await runTerraform(['validate', '-json', '-no-color'], dir, env, TIMEOUTS.validate);
  let parsed: { valid?: boolean; diagnostics?: Diagnostic[] } = {};
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    // Not JSON (e.g. not initialised): keep Terraform's text as an error.
    parsed = { valid: false, diagnostics: [{ severity: 'error', summary: (r.stderr || r.stdout).trim() }] };
  }
  const diagnostics = parsed.diagnostics ?? [];
  return {
    ...r,
    valid: parsed.valid === true && r.code === 0,
    errors: diagnostics.filter((d) => d.severity === 'error'),
    warnings: diagnostics.filter((d) => d.severity === 'warning'),
  };
}

export interface PlanResult extends TfResult {
  /** With detailedExitcode: true when exit code 2 (changes present); undefined otherwise. */
  changes?: boolean;
  planFile?: string;
}

export async function terraformPlan(
  dir: string,
  env: NodeJS.ProcessEnv = {},
  opts: { detailedExitcode?: boolean; out?: string; destroy?: boolean; refreshOnly?: boolean } = {},
): Promise<PlanResult> {
  const args = ['plan', '-input=false', '-no-color', '-lock-timeout=60s'];
  if (opts.detailedExitcode) args.push('-detailed-exitcode');
  if (opts.destroy) args.push('-destroy');
  if (opts.refreshOnly) args.push('-refresh-only');
  if (opts.out) args.push(`-out=${opts.out}`);
  const r = await runTerraform(args, dir, env, TIMEOUTS.plan);
  return { ...r, changes: opts.detailedExitcode ? r.code === 2 : undefined, planFile: opts.out };
}

/** Applies a saved plan when given one, else plans and applies with -auto-approve. */
export function terraformApply(dir: string, env: NodeJS.ProcessEnv = {}, opts: { planFile?: string } = {}): Promise<TfResult> {
  const args = ['apply', '-input=false', '-no-color', '-lock-timeout=60s'];
  args.push(...(opts.planFile ? [opts.planFile] : ['-auto-approve']));
  return runTerraform(args, dir, env, TIMEOUTS.apply);
}

/** `terraform show -json PLANFILE` (or the state, without a plan file), parsed. */
export async function terraformShowJson(dir: string, planFile?: string, env: NodeJS.ProcessEnv = {}): Promise<TfResult & { json: any }> {
  const r = expectExit(await runTerraform(['show', '-json', '-no-color', ...(planFile ? [planFile] : [])], dir, env, TIMEOUTS.show));
  return { ...r, json: JSON.parse(r.stdout) };
}

export function terraformDestroy(dir: string, env: NodeJS.ProcessEnv = {}): Promise<TfResult> {
  return runTerraform(['destroy', '-input=false', '-no-color', '-auto-approve', '-lock-timeout=60s'], dir, env, TIMEOUTS.destroy);
}

/** Resource addresses a saved plan would change, with their actions, and the attributes that differ. */
export function plannedChanges(showJson: any): Array<{ address: string; actions: string[]; changed: string[] }> {
  return (showJson.resource_changes ?? [])
    .filter((rc: any) => !(rc.change.actions.length === 1 && ['no-op', 'read'].includes(rc.change.actions[0])))
    .map((rc: any) => {
      const before = rc.change.before ?? {};
      const after = rc.change.after ?? {};
      const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
      const changed = [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]) && !(rc.change.after_unknown ?? {})[k]);
      return { address: rc.address, actions: rc.change.actions, changed };
    });
}
