/**
 * Writes the synthesized stacks, the deploy plan and the runbooks all at once: into a fresh directory that replaces
 * the output only when everything succeeded, so a failure never leaves a half-written cdktf.out.
 *
 * What Terraform keeps in a stack's working directory survives the swap: `.terraform` (providers, backend cache) and
 * `.terraform.lock.hcl` move into the new directory. State never lives in the output (`LOCAL_STATE_DIR` beside it, or
 * S3); state an earlier release left inside a stack directory is moved there first, never deleted.
 *
 * A selective synth (`ROOTLOCK_STACKS`) keeps the other stacks' directories as they were: cdktf's CLI lists the stack
 * directories before it runs the synth and deletes, afterwards, those the new manifest does not name (`rmSync` without
 * `force` in `@cdktf/cli-core` `synth-stack.js`), so removing them here would make `cdktf deploy` fail with ENOENT.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LOCAL_STATE_DIR } from './config/contract';
import type { synthesize as synthesizeStacks } from './stacks/app';
import { stackGraph } from './stacks/graph';
import { selectStacks } from './stacks/selection';
import { DEPLOY_PLAN_FILE, deployPlan } from './stacks/deploy-plan';
import type { RunbooksTask } from './runbooks';
import { defaultWorkerCount, PARALLEL_MIN_BASELINES } from './stacks/parallel-synth';
import { type Model, sourceConfigOf } from './config/model';
import { startWorker } from './worker-thread';

/** The module a runbooks worker runs (`writeRunbooksOf`). */
const RUNBOOKS_MODULE = path.join(__dirname, 'runbooks', 'index.ts');

/**
 * The synth and the runbook renderers, loaded when first used: cdktf and the provider classes take a third of a second
 * to load, time a vend's runbooks worker (started before) renders in; and when that worker renders the runbooks, this
 * thread never needs their renderers.
 */
function loadSynth(): typeof synthesizeStacks {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./stacks/app') as typeof import('./stacks/app')).synthesize;
}
function loadRunbooks(): typeof import('./runbooks') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./runbooks') as typeof import('./runbooks');
}

/** A worker pays for its start (about a second) only from this many accounts on, with a CPU to spare. */
function runbooksWorthAWorker(model: Model): boolean {
  return model.allAccounts.length >= PARALLEL_MIN_BASELINES && os.availableParallelism() > 1;
}

export const DEFAULT_OUTDIR = 'cdktf.out';
export const RUNBOOKS_SUBDIR = 'runbooks';
/** The HTML of the runbooks' markdown sections, kept for the next synth (runbooks/html.ts `HtmlSectionCache`). */
export const HTML_CACHE_FILE = path.join('.rootlock-cache', 'runbook-html-sections');
export const STACKS_SUBDIR = 'stacks';

/** Terraform's own files in a stack's working directory: never written by synth, kept across every synth. */
export const TERRAFORM_WORKING_FILES = ['.terraform', '.terraform.lock.hcl'] as const;
/** Where releases before the state directory kept local state: inside the stack's working directory. */
const LEGACY_STATE_FILES = ['terraform.tfstate', 'terraform.tfstate.backup'] as const;
/** Terraform's record of the backend a working directory was initialized with (its `path` changes on migration). */
const BACKEND_CACHE = path.join('.terraform', 'terraform.tfstate');

export interface Written {
  outdir: string;
  stacks: string[];
  runbooks: string[];
  /** Stacks whose local state was moved out of the output directory into the state directory. */
  migratedState: string[];
}

export interface OutputOptions {
  outdir?: string;
  /** Stack names or globs (ROOTLOCK_STACKS): only these and what they depend on. Default: every stack. */
  stacks?: string[];
}

/** The directory local state lives in for an output directory (the backend's relative path resolves to it). */
export function localStateDir(outdir: string): string {
  return path.join(path.dirname(path.resolve(outdir)), LOCAL_STATE_DIR);
}

export function writeOutput(model: Model, opts: OutputOptions = {}): Written {
  // A bad selection fails here, before anything is written.
  const selected = selectStacks(stackGraph(model), opts.stacks);
  const outdir = path.resolve(opts.outdir ?? DEFAULT_OUTDIR);
  const staging = `${outdir}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  let migratedState: string[];
  try {
    // The runbooks describe the whole organization whichever stacks are built, and reuse the HTML of every markdown
    // section the last synth rendered (a vend changes few of them).
    const task: RunbooksTask = { dir: path.join(staging, RUNBOOKS_SUBDIR), htmlCacheFrom: path.join(outdir, HTML_CACHE_FILE), htmlCacheTo: path.join(staging, HTML_CACHE_FILE) };
    const workers = defaultWorkerCount(selected.filter((s) => s.kind === 'baseline').length);
    // Few stacks of a large organization (a vend): the runbooks are most of the work, so a worker renders them
    // meanwhile. Otherwise this thread renders them while the synth workers finish their share.
    // The worker writes nothing if the configuration no longer resolves to this model (changed since): then this
    // thread renders them.
    const source = workers === 0 && runbooksWorthAWorker(model) ? sourceConfigOf(model) : undefined;
    const runbooksWorker = source ? startWorker<string[] | undefined>(RUNBOOKS_MODULE, 'writeRunbooksOf', { ...task, config: source, modelJson: JSON.stringify(model) }) : undefined;
    const synthesize = loadSynth();
    let runbooks: string[] = [];
    try {
      synthesize(model, staging, selected, { workers, alongside: () => (runbooks = runbooksWorker?.wait() ?? loadRunbooks().writeRunbookTask(model, task)) });
    } finally {
      runbooksWorker?.stop();
    }
    fs.writeFileSync(path.join(staging, DEPLOY_PLAN_FILE), `${JSON.stringify(deployPlan(selected), null, 2)}\n`);
    migratedState = carryOver(outdir, staging, opts.stacks === undefined);
    replaceDir(staging, outdir);
    return { outdir, stacks: selected.map((s) => s.name), runbooks, migratedState };
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

const dirsIn = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort()
    : [];

/**
 * Moves what must outlive the old output into the staged one: Terraform's working files of every stack built again,
 * the whole directory of every stack a selective synth did not build, and legacy state into the state directory.
 * Checks every legacy state first, so a conflict stops before anything moves. Returns the stacks whose state moved.
 */
function carryOver(outdir: string, staging: string, fullSynth: boolean): string[] {
  const oldStacks = path.join(outdir, STACKS_SUBDIR);
  const newStacks = path.join(staging, STACKS_SUBDIR);
  const stateDir = localStateDir(outdir);
  const names = dirsIn(oldStacks);
  const legacy = names.filter((n) => fs.existsSync(path.join(oldStacks, n, LEGACY_STATE_FILES[0])));
  for (const name of legacy) {
    const target = path.join(stateDir, `${name}.tfstate`);
    if (fs.existsSync(target)) {
      throw new Error(
        `stack ${name} has state in two places: ${path.join(oldStacks, name, LEGACY_STATE_FILES[0])} (left by an earlier release) and ${target}. ` +
          'Keep the one Terraform last wrote (compare their serial), delete the other, and synthesize again: nothing was changed.',
      );
    }
  }
  for (const name of legacy) {
    fs.mkdirSync(stateDir, { recursive: true });
    for (const file of LEGACY_STATE_FILES) {
      const from = path.join(oldStacks, name, file);
      if (fs.existsSync(from)) fs.renameSync(from, path.join(stateDir, file === LEGACY_STATE_FILES[0] ? `${name}.tfstate` : `${name}.tfstate.backup`));
    }
    // The backend cache names the old path; without it the next `terraform init` configures the new one.
    fs.rmSync(path.join(oldStacks, name, BACKEND_CACHE), { force: true });
  }
  for (const name of names) {
    const to = path.join(newStacks, name);
    if (fs.existsSync(to)) {
      for (const file of TERRAFORM_WORKING_FILES) {
        const from = path.join(oldStacks, name, file);
        if (fs.existsSync(from)) fs.renameSync(from, path.join(to, file));
      }
    } else if (!fullSynth) {
      fs.mkdirSync(newStacks, { recursive: true });
      fs.renameSync(path.join(oldStacks, name), to);
    }
    // A full synth drops the directory of a stack that no longer exists: it holds no state (moved above).
  }
  return legacy;
}

function replaceDir(from: string, to: string): void {
  const old = `${to}.old-${process.pid}`;
  if (fs.existsSync(to)) fs.renameSync(to, old);
  fs.renameSync(from, to);
  fs.rmSync(old, { recursive: true, force: true });
}
